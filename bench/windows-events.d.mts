/**
 * Deterministic generator of evtx_dump-layout Windows events (Sysmon 1/3/11/13, Security 4624/4688, PowerShell
 * 4104) as JSON text, `total` events in slices of `slice` events.
 */
export function generate(total: number, slice: number): Generator<string>;
