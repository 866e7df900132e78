// The report's only style and script. They are inline (the report is opened offline, often on an
// isolated analysis machine) and pinned by hash in the page's Content-Security-Policy, so nothing
// else can run or load even if a string slipped past escaping.

/** Inline CSS of report.html. */
export const REPORT_CSS = `
:root{--bg:#fbfbfc;--fg:#1d2433;--mute:#5d6679;--line:#dfe3ea;--card:#fff;--head:#f1f3f7;--link:#1f5fbf;
--critical:#8b0000;--high:#c62828;--medium:#b26a00;--low:#1565c0;--informational:#5d6679;--ok:#2e7d32}
@media (prefers-color-scheme:dark){:root{--bg:#14171d;--fg:#e3e6ec;--mute:#9aa3b5;--line:#2c323d;--card:#1b1f27;
--head:#222833;--link:#7fb0ff;--critical:#ff6b6b;--high:#ff8a80;--medium:#ffb74d;--low:#64b5f6;--informational:#9aa3b5;--ok:#81c784}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{padding:18px 28px 10px;border-bottom:1px solid var(--line);background:var(--card)}
header h1{margin:0;font-size:20px}
header .sub{color:var(--mute);margin-top:4px}
nav{position:sticky;top:0;z-index:2;background:var(--card);border-bottom:1px solid var(--line);padding:6px 28px}
nav a{margin-right:16px}
main{padding:8px 28px 40px;max-width:1600px}
section{margin-top:26px}
h2{font-size:17px;margin:0 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:14px;margin:16px 0 6px}
a{color:var(--link);text-decoration:none}
a:hover{text-decoration:underline}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px}
.card .n{font-size:22px;font-weight:600}
.card .l{color:var(--mute);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.warn{border-left:4px solid var(--medium);background:var(--card);padding:8px 12px;margin:10px 0}
.mute{color:var(--mute)}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line)}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line)}
th{background:var(--head);font-weight:600;white-space:nowrap;position:sticky;top:33px}
th[data-sort]{cursor:pointer;user-select:none}
th[data-sort]::after{content:" \\2195";color:var(--mute);font-weight:400}
th.asc::after{content:" \\2191"}th.desc::after{content:" \\2193"}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.t{white-space:nowrap;font-variant-numeric:tabular-nums}
.mono,code{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:12.5px}
.wrap{word-break:break-all}
.lvl{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;color:#fff}
.lvl-critical{background:var(--critical)}.lvl-high{background:var(--high)}.lvl-medium{background:var(--medium)}
.lvl-low{background:var(--low)}.lvl-informational{background:var(--informational)}
.st{display:inline-block;border-radius:4px;padding:0 6px;font-weight:600;border:1px solid currentColor}
.st-exploited{color:var(--critical)}.st-attempted{color:var(--medium)}.st-no-evidence{color:var(--ok)}.st-cannot-tell{color:var(--mute)}
.sev-error{color:var(--high);font-weight:600}.sev-warning{color:var(--medium)}.sev-info{color:var(--mute)}
details summary{cursor:pointer}
details table{margin:6px 0 4px}
.tools{display:flex;gap:10px;align-items:center;margin:6px 0 8px}
.tools input{padding:4px 8px;min-width:280px;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg)}
.tools select{padding:3px;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg)}
.kv td:first-child{color:var(--mute);white-space:nowrap;width:1%}
.tag{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 5px;margin:1px 2px 1px 0;font-size:12px}
meter{width:140px;vertical-align:middle}
tr.hidden{display:none}
footer{color:var(--mute);padding:20px 28px;border-top:1px solid var(--line)}
@media print{nav,.tools{display:none}th{position:static}}
`;

/** Inline script of report.html: sortable columns, text and level filters. Works without it too. */
export const REPORT_JS = `
(function(){
  var LEVELS={informational:0,low:1,medium:2,high:3,critical:4};
  function key(td,type){var v=td?(td.getAttribute('data-v')||td.textContent||''):'';
    if(type==='num'){var n=parseFloat(v);return isNaN(n)?-Infinity:n;}return v.toLowerCase();}
  document.querySelectorAll('table.sortable').forEach(function(table){
    var ths=table.tHead?table.tHead.rows[0].cells:[];
    Array.prototype.forEach.call(ths,function(th,col){
      if(!th.hasAttribute('data-sort'))return;
      th.addEventListener('click',function(){
        var type=th.getAttribute('data-sort'),asc=!th.classList.contains('asc');
        Array.prototype.forEach.call(ths,function(o){o.classList.remove('asc','desc');});
        th.classList.add(asc?'asc':'desc');
        var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){var x=key(a.cells[col],type),y=key(b.cells[col],type);
          return (x<y?-1:x>y?1:0)*(asc?1:-1);});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.querySelectorAll('.tools[data-for]').forEach(function(tools){
    var table=document.getElementById(tools.getAttribute('data-for'));if(!table)return;
    var input=tools.querySelector('input'),level=tools.querySelector('select'),count=tools.querySelector('.count');
    function apply(){var q=input?input.value.toLowerCase():'',min=level?(LEVELS[level.value]||0):0,shown=0;
      var rows=table.tBodies[0].rows;
      for(var i=0;i<rows.length;i++){var r=rows[i],lv=LEVELS[r.getAttribute('data-level')||'informational']||0;
        var ok=(!q||r.textContent.toLowerCase().indexOf(q)>=0)&&lv>=min;
        r.classList.toggle('hidden',!ok);if(ok)shown++;}
      if(count)count.textContent=shown+' of '+rows.length+' shown';}
    if(input)input.addEventListener('input',apply);if(level)level.addEventListener('change',apply);apply();
  });
})();
`;
