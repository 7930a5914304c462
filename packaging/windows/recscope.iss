; Inno Setup 6 script for RecScope on Windows (x64). NOT built or tested here (no Windows
; machine): see packaging/README.md, "Windows". Build the bundle first on Windows with
;   py -3.11 packaging\build.py            (dist\RecScope\RecScope.exe, self-test passed)
; then compile this script (build.py does it when ISCC.exe is on PATH):
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\recscope.iss
; Output: dist\recscope-0.1.0-windows-x64-setup.exe

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\recscope.ico"
#endif
#define AppName "RecScope"
#define Bundle "..\..\dist\RecScope"

[Setup]
AppId={{6C0F4E53-3A51-4C77-9D1B-8E7A1F2B9C40}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=RecScope maintainers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
; per-user install without admin rights is allowed (the user picks in the first dialog)
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir=..\..\dist
OutputBaseFilename=recscope-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\RecScope.exe
LicenseFile=..\licenses\README-bundle.txt
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=4
WizardStyle=modern
DisableProgramGroupPage=yes
ChangesAssociations=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; the whole one-folder bundle (RecScope.exe + _internal\, licences in _internal\licenses\)
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\RecScope.exe"
Name: "{autoprograms}\{#AppName} licences"; Filename: "{app}\_internal\licenses\THIRD-PARTY-NOTICES.txt"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\RecScope.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\RecScope.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only what the installer put there; the user's settings (registry HKCU\Software\RecScope),
; logs (%LOCALAPPDATA%\RecScope\logs) and projects are left alone
Type: filesandordirs; Name: "{app}\_internal"
