program SendAndFollow;

(* Sends one SMS through Switchboard, follows it until its status is final, then prints the latest history.

    SWITCHBOARD_URL=http://localhost:5080 SWITCHBOARD_API_KEY=sb_... SendAndFollow +14155550100 "Hi {{name}}" name=Ann

  The key is read from the environment so that it does not show in the process list.
  SWITCHBOARD_TIMEOUT (seconds, default 60) bounds the wait for a final status.

  Exit code: 0 delivered, 1 no answer from the server, 2 refused by the API (its code and fields are printed),
  3 final but not delivered, 4 not final within the timeout, 64 wrong arguments. *)

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

type
  { Prints each retry the client makes, so a flaky network is visible rather than silent. }
  TRetryReporter = class
    procedure Retrying(Sender: TObject; Attempt: Integer; const Reason: string; DelayMs: Integer);
  end;

procedure TRetryReporter.Retrying(Sender: TObject; Attempt: Integer; const Reason: string; DelayMs: Integer);
begin
  Writeln(Format('Retrying (attempt %d in %d ms): %s', [Attempt, DelayMs, Reason]));
end;

function Describe(const Item: TCommunication): string;
begin
  Result := Item.Status;
  if Item.TwilioSid <> '' then Result := Result + ' (' + Item.TwilioSid + ')';
  if Item.ErrorCode <> 0 then Result := Result + Format(' error %d: %s', [Item.ErrorCode, Item.ErrorDescription]);
end;

{ Polls the message until its status is final or the deadline passes; prints every change. }
function Follow(Client: TSwitchboardClient; Id: Int64; TimeoutSeconds: Integer): TCommunication;
var
  Deadline: TDateTime;
  Shown: string;
begin
  Deadline := IncSecond(Now, TimeoutSeconds);
  Shown := '';
  repeat
    Result := Client.GetCommunication(Id);
    // Once the outbox has handed it to Twilio it has a SID: from then on ask by SID, which also refreshes from Twilio.
    if Result.TwilioSid <> '' then Result := Client.GetStatus(Result.TwilioSid).Item;
    if Describe(Result) <> Shown then
    begin
      Shown := Describe(Result);
      Writeln('Status: ' + Shown);
    end;
    if Result.IsFinal then Exit;
    Sleep(250);
  until Now > Deadline;
end;

procedure PrintHistory(Client: TSwitchboardClient);
var
  Page: THistoryPage;
  Item: TCommunication;
  I: Integer;
begin
  Page := Client.GetHistory(1, 10);
  Writeln(Format('History: %d item(s), page %d of %d', [Page.Pagination.TotalItems, Page.Pagination.Page, Page.Pagination.TotalPages]));
  for I := 0 to Length(Page.Items) - 1 do
  begin
    Item := Page.Items[I];
    Writeln(Format('  #%d %s UTC %s %s %s: %s', [Item.Id, FormatDateTime('yyyy-mm-dd hh:nn:ss', Item.CreatedAtUtc), Item.NetworkType,
      Item.ToNumber, Item.Status, Item.MessageContent]));
  end;
end;

procedure PrintRefusal(E: ESwitchboardError);
var
  I, J: Integer;
begin
  Writeln(Format('Refused: %s (HTTP %d): %s', [E.Code, E.HttpStatus, E.Message]));
  for I := 0 to Length(E.FieldErrors) - 1 do
    for J := 0 to Length(E.FieldErrors[I].Messages) - 1 do
      Writeln(Format('  field %s: %s', [E.FieldErrors[I].Field, E.FieldErrors[I].Messages[J]]));
end;

var
  Client: TSwitchboardClient;
  Reporter: TRetryReporter;
  Variables: TStringList;
  Sent: TSmsAccepted;
  Final: TCommunication;
  TimeoutSeconds, I: Integer;
begin
  if (ParamCount < 2) or (GetEnvironmentVariable('SWITCHBOARD_URL') = '') or (GetEnvironmentVariable('SWITCHBOARD_API_KEY') = '') then
  begin
    Writeln('Usage: SWITCHBOARD_URL=... SWITCHBOARD_API_KEY=... SendAndFollow <to> <message> [name=value ...]');
    Halt(64);
  end;
  TimeoutSeconds := StrToIntDef(GetEnvironmentVariable('SWITCHBOARD_TIMEOUT'), 60);

  Reporter := TRetryReporter.Create;
  Variables := TStringList.Create;
  Client := TSwitchboardClient.Create(GetEnvironmentVariable('SWITCHBOARD_URL'), GetEnvironmentVariable('SWITCHBOARD_API_KEY'));
  try
    Client.ClientId := 'send-and-follow';
    Client.OnRetry := Reporter.Retrying;
    for I := 3 to ParamCount do
      Variables.Add(ParamStr(I));
    try
      Sent := Client.SendSms(ParamStr(1), ParamStr(2), Variables);
      Writeln(Format('Accepted: id %d, %s, to %s, %s, %d segment(s), Idempotency-Key %s', [Sent.Id, Sent.Status, Sent.ToNumber,
        Sent.Encoding, Sent.Segments, Sent.IdempotencyKey]));
      if Sent.Replayed then Writeln('Replayed: an earlier attempt of this send had been accepted; it was not sent again.');

      Final := Follow(Client, Sent.Id, TimeoutSeconds);
      PrintHistory(Client);
      if not Final.IsFinal then
      begin
        Writeln(Format('Not final after %d s: %s', [TimeoutSeconds, Final.Status]));
        ExitCode := 4;
      end
      else if Final.Status <> 'delivered' then
        ExitCode := 3;
    except
      on E: ESwitchboardConnectionError do
      begin
        Writeln('No answer from ' + Client.BaseUrl + ': ' + E.Message);
        if E.IdempotencyKey <> '' then Writeln('  retry later with Idempotency-Key ' + E.IdempotencyKey);
        ExitCode := 1;
      end;
      on E: ESwitchboardError do
      begin
        PrintRefusal(E);
        ExitCode := 2;
      end;
    end;
  finally
    Client.Free;
    Variables.Free;
    Reporter.Free;
  end;
end.
