program ClientTour;

(* Goes through the rest of Switchboard.Client against a running Switchboard, for CI (App.Tests/Clients):
   embed token, file upload, voice messages, a call followed to its final status, paged and filtered history,
   and a 404 as an exception. Prints one line per result for the test to check against the API.

     SWITCHBOARD_URL=... SWITCHBOARD_API_KEY=... ClientTour <audio-file> <call-to> <sms-to>

   Exit code: 0 all done, 1 a step failed (printed), 64 wrong arguments. *)

{$IFDEF FPC}
  {$mode delphi}{$H+}
{$ENDIF}
{$IFDEF MSWINDOWS}{$APPTYPE CONSOLE}{$ENDIF}

uses
{$IFDEF FPC}
  SysUtils, Classes, DateUtils,
{$ELSE}
  System.SysUtils, System.Classes, System.DateUtils,
{$ENDIF}
  Switchboard.Client;

function Joined(const Items: TSwitchboardStrings): string;
var
  I: Integer;
begin
  Result := '';
  for I := 0 to Length(Items) - 1 do
  begin
    if I > 0 then Result := Result + ',';
    Result := Result + Items[I];
  end;
end;

function FollowToFinal(Client: TSwitchboardClient; Id: Int64): TCommunication;
var
  Deadline: TDateTime;
begin
  Deadline := IncSecond(Now, 30);
  repeat
    Result := Client.GetCommunication(Id);
    if Result.TwilioSid <> '' then Result := Client.GetStatus(Result.TwilioSid).Item;
    if Result.IsFinal then Exit;
    Sleep(200);
  until Now > Deadline;
  raise Exception.CreateFmt('#%d is still %s after 30 s', [Id, Result.Status]);
end;

procedure Tour(Client: TSwitchboardClient; const AudioFile, CallTo, SmsTo: string);
var
  Token: TEmbedToken;
  Upload: TAudioFile;
  Voices: TVoiceMessagePage;
  Variables: TStringList;
  Call: TCallAccepted;
  Final: TCommunication;
  Filter: THistoryFilter;
  Page: THistoryPage;
  I: Integer;
begin
  Token := Client.CreateEmbedToken(5);
  Writeln('embed url: ' + Token.Url);
  Writeln('embed expires: ' + SwitchboardFormatUtc(Token.ExpiresAtUtc));
  Writeln('embed permissions: ' + Joined(Token.Permissions));

  Upload := Client.UploadFile(AudioFile, 'Front desk greeting', 'greeting,front-desk');
  Writeln(Format('uploaded: id %d, %s, %s, %d bytes, %.1f s, tags %s', [Upload.Id, Upload.Filename, Upload.FileType,
    Upload.FileSize, Upload.DurationSeconds, Joined(Upload.TagList)]));

  Voices := Client.ListVoiceMessages(1, 20, True);
  Writeln(Format('voice messages: %d', [Voices.Pagination.TotalItems]));
  for I := 0 to Length(Voices.Items) - 1 do
    Writeln(Format('voice: id %d, %s, variables %s', [Voices.Items[I].Id, Voices.Items[I].Name, Joined(Voices.Items[I].Variables)]));
  if Length(Voices.Items) = 0 then raise Exception.Create('no active voice message to call with');

  Variables := TStringList.Create;
  try
    Variables.Values['first_name'] := 'Ann';
    Variables.Values['time'] := '9 am';
    Call := Client.StartCall(CallTo, Voices.Items[0].Id, Variables);
  finally
    Variables.Free;
  end;
  Writeln(Format('call accepted: id %d, %s, to %s', [Call.Id, Call.Status, Call.ToNumber]));
  Final := FollowToFinal(Client, Call.Id);
  Writeln(Format('call final: %s, sid %s', [Final.Status, Final.TwilioSid]));

  Client.SendSms(SmsTo, 'First of two');
  Client.SendSms(SmsTo, 'Second of two');
  Filter := Default(THistoryFilter);
  Filter.NetworkType := 'sms';
  Filter.ToNumber := SmsTo;
  Page := Client.GetHistory(Filter, 2, 1);
  Writeln(Format('sms page 2: %d item(s) of %d, has_prev %s, has_next %s, text %s', [Length(Page.Items),
    Page.Pagination.TotalItems, BoolToStr(Page.Pagination.HasPrev, True), BoolToStr(Page.Pagination.HasNext, True),
    Page.Items[0].MessageContent]));
  Filter.NetworkType := 'call';
  Filter.ToNumber := '';
  Writeln(Format('calls: %d', [Client.GetHistory(Filter).Pagination.TotalItems]));

  try
    Client.GetCommunication(987654321);
    Writeln('not found: no error');
  except
    on E: ESwitchboardError do
      Writeln(Format('not found: %s %d', [E.Code, E.HttpStatus]));
  end;
end;

var
  Client: TSwitchboardClient;
begin
  if ParamCount < 3 then
  begin
    Writeln('Usage: SWITCHBOARD_URL=... SWITCHBOARD_API_KEY=... ClientTour <audio-file> <call-to> <sms-to>');
    Halt(64);
  end;
  Client := TSwitchboardClient.Create(GetEnvironmentVariable('SWITCHBOARD_URL'), GetEnvironmentVariable('SWITCHBOARD_API_KEY'));
  try
    try
      Tour(Client, ParamStr(1), ParamStr(2), ParamStr(3));
    except
      on E: ESwitchboardError do
      begin
        Writeln(Format('failed: %s (HTTP %d): %s', [E.Code, E.HttpStatus, E.Message]));
        ExitCode := 1;
      end;
      on E: Exception do
      begin
        Writeln('failed: ' + E.Message);
        ExitCode := 1;
      end;
    end;
  finally
    Client.Free;
  end;
end.
