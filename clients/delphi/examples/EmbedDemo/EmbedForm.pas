unit EmbedForm;

// Opens the Switchboard admin UI in TEdgeBrowser (WebView2) with an embed token minted with the API key, and listens
// to the switchboard:* messages the page posts to its host (web/README.md, "Messages to the host").
// Delphi 10.4 or later. Written against the documented Vcl.Edge and Winapi.WebView2 APIs; CI has no Delphi, so this
// form is not compiled there (clients/delphi/README.md).

interface

uses
  Winapi.Windows, Winapi.ActiveX, Winapi.WebView2,
  System.SysUtils, System.Classes, System.JSON, System.IOUtils, System.DateUtils,
  Vcl.Graphics, Vcl.Controls, Vcl.Forms, Vcl.StdCtrls, Vcl.ExtCtrls, Vcl.Edge,
  Switchboard.Client;

type
  TSwitchboardForm = class(TForm)
    TopPanel: TPanel;
    StatusLabel: TLabel;
    OpenButton: TButton;
    EdgeBrowser: TEdgeBrowser;
    EventsMemo: TMemo;
    procedure FormCreate(Sender: TObject);
    procedure FormDestroy(Sender: TObject);
    procedure OpenButtonClick(Sender: TObject);
    procedure EdgeBrowserCreateWebViewCompleted(Sender: TCustomEdgeBrowser; AResult: HResult);
    procedure EdgeBrowserNavigationCompleted(Sender: TCustomEdgeBrowser; IsSuccess: Boolean;
      WebErrorStatus: COREWEBVIEW2_WEB_ERROR_STATUS);
    procedure EdgeBrowserWebMessageReceived(Sender: TCustomEdgeBrowser; Args: TWebMessageReceivedEventArgs);
  private
    FClient: TSwitchboardClient;
    FOrigin: string;          // scheme://host[:port] of the Switchboard server; messages from other pages are ignored
    FLastReopen: TDateTime;
    procedure OpenWithFreshToken;
    procedure HandleMessage(const Json: string);
    procedure Log(const Text: string);
  end;

var
  SwitchboardForm: TSwitchboardForm;

implementation

{$R *.dfm}

{ "https://switchboard.example.com:8443/admin/acme?x=1" -> "https://switchboard.example.com:8443" }
function OriginOf(const Url: string): string;
var
  SchemeEnd, PathStart: Integer;
begin
  SchemeEnd := Pos('://', Url);
  if SchemeEnd = 0 then Exit('');
  PathStart := Pos('/', Url, SchemeEnd + 3);
  if PathStart = 0 then Result := Url else Result := Copy(Url, 1, PathStart - 1);
  Result := LowerCase(Result);
end;

procedure TSwitchboardForm.FormCreate(Sender: TObject);
var
  BaseUrl: string;
begin
  BaseUrl := GetEnvironmentVariable('SWITCHBOARD_URL');
  if BaseUrl = '' then BaseUrl := 'http://localhost:5080';
  // The API key stays in this program: the page only ever sees a short-lived embed token.
  FClient := TSwitchboardClient.Create(BaseUrl, GetEnvironmentVariable('SWITCHBOARD_API_KEY'));
  FClient.ClientId := 'embed-demo';
  FOrigin := OriginOf(FClient.BaseUrl);
  // WebView2 keeps its profile (cache, the page's sessionStorage) here; its default, beside the .exe, is often
  // not writable. It must be set before the first navigation.
  EdgeBrowser.UserDataFolder := TPath.Combine(GetEnvironmentVariable('LOCALAPPDATA'), 'Switchboard\EmbedDemo');
end;

procedure TSwitchboardForm.FormDestroy(Sender: TObject);
begin
  FClient.Free;
end;

procedure TSwitchboardForm.OpenButtonClick(Sender: TObject);
begin
  OpenWithFreshToken;
end;

procedure TSwitchboardForm.OpenWithFreshToken;
var
  Token: TEmbedToken;
begin
  try
    Token := FClient.CreateEmbedToken(60);
  except
    on E: ESwitchboardError do
    begin
      StatusLabel.Caption := Format('Could not open Switchboard: %s (%s)', [E.Message, E.Code]);
      Exit;
    end;
  end;
  FLastReopen := Now;
  StatusLabel.Caption := 'Loading Switchboard...';
  // The page moves the token out of the address bar at once and keeps it for this view only (no cookies).
  EdgeBrowser.Navigate(Token.Url);
end;

procedure TSwitchboardForm.EdgeBrowserCreateWebViewCompleted(Sender: TCustomEdgeBrowser; AResult: HResult);
begin
  if Failed(AResult) then
    StatusLabel.Caption := Format('WebView2 could not start (0x%.8x): install the WebView2 Runtime and put ' +
      'WebView2Loader.dll next to the program.', [AResult]);
end;

procedure TSwitchboardForm.EdgeBrowserNavigationCompleted(Sender: TCustomEdgeBrowser; IsSuccess: Boolean;
  WebErrorStatus: COREWEBVIEW2_WEB_ERROR_STATUS);
begin
  if not IsSuccess then
    StatusLabel.Caption := Format('Switchboard did not load (WebView2 error status %d).', [Ord(WebErrorStatus)]);
end;

procedure TSwitchboardForm.EdgeBrowserWebMessageReceived(Sender: TCustomEdgeBrowser; Args: TWebMessageReceivedEventArgs);
var
  Source, Json: PWideChar;
  FromSwitchboard: Boolean;
begin
  // Only the Switchboard page may drive the host: a page it links to must not be able to post these messages.
  FromSwitchboard := False;
  Source := nil;
  if Succeeded(Args.ArgsInterface.Get_Source(Source)) then
  begin
    FromSwitchboard := OriginOf(Source) = FOrigin;
    CoTaskMemFree(Source);
  end;
  if not FromSwitchboard then Exit;

  Json := nil;
  if Succeeded(Args.ArgsInterface.Get_WebMessageAsJson(Json)) then
  begin
    try
      HandleMessage(Json);  // e.g. {"type":"switchboard:sent","channel":"sms","id":123}
    finally
      CoTaskMemFree(Json);
    end;
  end;
end;

procedure TSwitchboardForm.HandleMessage(const Json: string);
var
  Value: TJSONValue;
  Kind, Channel: string;
  Id: Int64;
begin
  Value := TJSONObject.ParseJSONValue(Json);
  try
    if not (Value is TJSONObject) or not Value.TryGetValue<string>('type', Kind) then Exit;

    if Kind = 'switchboard:ready' then
      StatusLabel.Caption := 'Switchboard is ready'
    else if Kind = 'switchboard:sent' then
    begin
      Channel := '';
      Id := 0;
      Value.TryGetValue<string>('channel', Channel);
      Value.TryGetValue<Int64>('id', Id);
      Log(Format('%s #%d accepted', [Channel, Id]));
      // The id is the history id: the REST client follows it like a send of its own.
      try
        Log(Format('  #%d is %s', [Id, FClient.GetCommunication(Id).Status]));
      except
        on E: ESwitchboardError do Log('  could not read it: ' + E.Message);
      end;
    end
    else if Kind = 'switchboard:auth-required' then
    begin
      // The embed token expired (or the key was rotated): open again with a fresh one, but never in a loop.
      if SecondsBetween(Now, FLastReopen) < 30 then
        StatusLabel.Caption := 'Switchboard refused a fresh embed token: check the API key.'
      else
      begin
        Log('The embed token was refused: opening Switchboard again with a fresh one.');
        OpenWithFreshToken;
      end;
    end;
  finally
    Value.Free;
  end;
end;

procedure TSwitchboardForm.Log(const Text: string);
begin
  EventsMemo.Lines.Add(FormatDateTime('hh:nn:ss ', Now) + Text);
end;

end.
