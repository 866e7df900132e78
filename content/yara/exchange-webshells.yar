// Kahu's own YARA rules for web shells and staging artefacts seen after Exchange exploitation
// (ProxyLogon / ProxyShell / ProxyNotShell). Written from the indicators in Microsoft's HAFNIUM blog, CISA AA21-062A
// and the ProxyShell write-ups; not derived from any other rule set.
// Meta keys Kahu reads: title, level (Sigma levels), attack (comma-separated ATT&CK ids, software too), cve.

rule KAHU_WebShell_ChinaChopper_OneLiner : webshell china_chopper
{
    meta:
        title = "China Chopper one-line web shell (eval of a request parameter with 'unsafe')"
        level = "critical"
        attack = "T1505.003,S0020"
        cve = ""
        description = "JScript.NET page that evaluates a request value with the 'unsafe' option: the China Chopper server stub, also written into OAB/ECP virtual directory URLs by CVE-2021-27065"
    strings:
        $eval = /eval\s*\(\s*Request(\.Item|\.Form|\.QueryString)?\s*\[/ nocase
        $unsafe = "\"unsafe\"" nocase
        $jscript1 = "Language=\"Jscript\"" nocase
        $jscript2 = "language=\"JScript\"" nocase
        $jscript3 = "Language=Jscript" nocase
        $pageload = "Page_Load" nocase
    condition:
        filesize < 2MB and $eval and $unsafe and (any of ($jscript*) or $pageload)
}

rule KAHU_WebShell_OAB_VirtualDirectory_Dump : webshell china_chopper
{
    meta:
        title = "Exchange virtual directory settings dumped as a web shell (CVE-2021-27065)"
        level = "critical"
        attack = "T1505.003,S0020"
        cve = "CVE-2021-27065"
        description = "The ECP Reset-VirtualDirectory write: an OAB/ECP virtual directory configuration (ExternalUrl, InternalAuthenticationMethods...) saved to disk with a server-side script in a URL"
    strings:
        $cfg1 = "ExternalUrl" nocase
        $cfg2 = "InternalUrl" nocase
        $cfg3 = "InternalAuthenticationMethods" nocase
        $cfg4 = "ExtendedProtectionTokenChecking" nocase
        $cfg5 = "OABVirtualDirectory" nocase
        $script = /<script[^>]{0,60}runat\s*=\s*"?server/ nocase
    condition:
        filesize < 200KB and $script and 2 of ($cfg*)
}

rule KAHU_WebShell_PST_Headed_ASPX : webshell proxyshell
{
    meta:
        title = "Mailbox export (PST) carrying a server-side script: ProxyShell web shell"
        level = "critical"
        attack = "T1505.003,T1114.002"
        cve = "CVE-2021-31207"
        description = "File starting with the PST magic '!BDN' that holds an ASP.NET script block: New-MailboxExportRequest abused to write a web shell"
    strings:
        $s1 = /<script[^>]{0,60}runat\s*=\s*"?server/ nocase
        $s2 = /<%@\s*Page\s+Language/ nocase
        $s3 = "Request" nocase
    condition:
        uint32(0) == 0x4e444221 and ($s1 or $s2) and $s3
}

rule KAHU_WebShell_CertRequest_Headed_ASPX : webshell proxyshell
{
    meta:
        title = "DER certificate request carrying a server-side script: ProxyShell web shell"
        level = "critical"
        attack = "T1505.003"
        cve = "CVE-2021-31207"
        description = "File starting with a DER SEQUENCE (0x30 0x82) that holds an ASP.NET script block: New-ExchangeCertificate -RequestFile abused to write a web shell"
    strings:
        $s1 = /<script[^>]{0,60}runat\s*=\s*"?server/ nocase
        $s2 = /<%@\s*Page\s+Language/ nocase
    condition:
        uint16be(0) == 0x3082 and filesize < 64KB and ($s1 or $s2)
}

rule KAHU_WebShell_ASPXSpy_Like : webshell aspxspy
{
    meta:
        title = "ASPXSpy-like management web shell (command execution plus file manager)"
        level = "critical"
        attack = "T1505.003,S0073"
        cve = ""
        description = "ASP.NET page that starts cmd.exe from request input and also browses, uploads or deletes files"
    strings:
        $psi = "ProcessStartInfo" nocase
        $cmd = "cmd.exe" nocase
        $req1 = "Request.Form" nocase
        $req2 = "Request[" nocase
        $req3 = "Request.QueryString" nocase
        $fs1 = "Directory.GetFiles" nocase
        $fs2 = "GetDirectories" nocase
        $fs3 = "File.Delete" nocase
        $fs4 = "PostedFile.SaveAs" nocase
        $fs5 = "Request.Files" nocase
        $name = "ASPXSpy" nocase
        $page = /<%@\s*Page/ nocase
    condition:
        filesize < 1MB and $page and ($name or ($psi and $cmd and any of ($req*) and 2 of ($fs*)))
}

rule KAHU_WebShell_Upload_Stub : webshell
{
    meta:
        title = "Tiny ASP.NET upload stub (saves the first posted file)"
        level = "high"
        attack = "T1505.003,T1105"
        cve = ""
        description = "Small C# page whose body saves Request.Files[0]: second-stage uploader seen on Exchange servers (CISA AA21-062A, Volexity SimpleSeeSharp)"
    strings:
        $page = /<%@\s*Page\s+Language\s*=\s*"C#"/ nocase
        $save = /Request\.Files\s*\[\s*0\s*\]/ nocase
    condition:
        filesize < 4KB and $page and $save
}

rule KAHU_Tool_PowerCat_Nishang : tool
{
    meta:
        title = "PowerCat or Nishang PowerShell reverse shell script"
        level = "high"
        attack = "T1059.001,T1095"
        cve = ""
        description = "PowerShell netcat (powercat) or Nishang Invoke-PowerShellTcp on disk, used by HAFNIUM after Exchange compromise"
    strings:
        $pc1 = "function powercat" nocase
        $pc2 = "powercat -c" nocase
        $ni1 = "Invoke-PowerShellTcp" nocase
        $ni2 = "Net.Sockets.TCPClient" nocase
        $ni3 = ".GetStream()" nocase
    condition:
        filesize < 2MB and (any of ($pc*) or $ni1 or ($ni2 and $ni3))
}

rule KAHU_Dump_LSASS_Minidump : credential_dump
{
    meta:
        title = "Minidump of the LSASS process"
        level = "critical"
        attack = "T1003.001"
        cve = ""
        description = "Windows minidump (MDMP) whose module list names lsass.exe: credential theft (comsvcs.dll MiniDump, ProcDump)"
    strings:
        $lsass_w = "lsass.exe" wide nocase
        $lsasrv_w = "lsasrv.dll" wide nocase
    condition:
        uint32(0) == 0x504d444d and ($lsass_w or $lsasrv_w)
}
