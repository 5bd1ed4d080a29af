program EmbedDemo;

// The admin UI inside a VCL form (TEdgeBrowser, Delphi 10.4 or later), opened with a short-lived embed token.
// Set SWITCHBOARD_URL and SWITCHBOARD_API_KEY in the environment (or in the form's code) and run it.
// WebView2Loader.dll (RAD Studio's redist folder) must be next to the .exe and the WebView2 Runtime installed.

uses
  Vcl.Forms,
  Switchboard.Client in '..\..\Switchboard.Client.pas',
  EmbedForm in 'EmbedForm.pas' {SwitchboardForm};

begin
  Application.Initialize;
  Application.MainFormOnTaskbar := True;
  Application.CreateForm(TSwitchboardForm, SwitchboardForm);
  Application.Run;
end.
