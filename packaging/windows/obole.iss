; Inno Setup script: a per-user installer of Obole's desktop bundle (no administrator rights).
;   iscc /DAppVersion=0.1.0 /DBundleDir=..\..\dist\bundle\obole /DOutDir=..\..\dist packaging\windows\obole.iss
; Installs to %LOCALAPPDATA%\Programs\Obole, with Start menu (and optional desktop) shortcuts
; to the windowed launcher; uninstallable from Settings > Apps.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\bundle\obole"
#endif
#ifndef OutDir
  #define OutDir "..\..\dist"
#endif

[Setup]
AppId={{6E8C2C4B-5B0F-4C1B-9E0A-0B0E1E2D0B01}
AppName=Obole
AppVersion={#AppVersion}
AppPublisher=The Obole contributors
DefaultDirName={autopf}\Obole
DefaultGroupName=Obole
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DisableProgramGroupPage=yes
OutputDir={#OutDir}
OutputBaseFilename=Obole-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\obole-gui.exe
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{autoprograms}\Obole"; Filename: "{app}\obole-gui.exe"
Name: "{autodesktop}\Obole"; Filename: "{app}\obole-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\obole-gui.exe"; Description: "{cm:LaunchProgram,Obole}"; Flags: nowait postinstall skipifsilent
