unit Switchboard.Client;

{ A small typed client for the Switchboard REST API.

  One unit for Delphi (10.4 or later: System.Net.HttpClient, System.Net.Mime, System.JSON) and for Free Pascal 3.2
  in Delphi mode (fphttpclient, fpjson). Everything but the HTTP transport and the JSON reader is shared; those two
  sit behind $IFDEF FPC at the end of the implementation.

  Errors: every non-2xx answer raises ESwitchboardError with the envelope's code, message and per-field details;
  a lost connection or a timeout raises ESwitchboardConnectionError.

  Retries (MaxRetries, with exponential back-off and Retry-After):
  - SMS and call sends carry an Idempotency-Key, generated once per logical send and sent again unchanged on every
    retry, so the server answers a retry with the first answer instead of sending twice. They are retried after a
    connection failure (the first attempt may or may not have arrived) and on 429 and 503. Other 5xx answers are
    not retried: the server did not store an answer to replay and a new attempt would be processed again.
  - GETs are retried after a connection failure, on 429 and on any 5xx.
  - Everything else (file upload, embed token) is sent once.

  Strings: in Delphi they are UnicodeString and sent as UTF-8; with Free Pascal they are expected to hold UTF-8.
  Timestamps are TDateTime in UTC (0 when the API has none).
  A client is not thread-safe: use one per thread. }

{$IFDEF FPC}
  {$mode delphi}{$H+}
{$ENDIF}

interface

uses
{$IFDEF FPC}
  SysUtils, Classes;
{$ELSE}
  System.SysUtils, System.Classes;
{$ENDIF}

type
  TSwitchboardStrings = array of string;

  TSwitchboardFieldError = record
    Field: string;                    // snake_case, possibly nested: "to", "variables.first_name", "tag_list[0]"
    Messages: TSwitchboardStrings;
  end;

  TSwitchboardFieldErrors = array of TSwitchboardFieldError;

  { An answer other than 2xx, as the API described it. }
  ESwitchboardError = class(Exception)
  private
    FHttpStatus: Integer;
    FCode: string;
    FFieldErrors: TSwitchboardFieldErrors;
    FIdempotencyKey: string;
    FRetryAfterSeconds: Integer;
  public
    constructor Create(AHttpStatus: Integer; const ACode, AMessage: string; const AFieldErrors: TSwitchboardFieldErrors;
      ARetryAfterSeconds: Integer);
    { The messages for Field (or anything below it, e.g. "variables" covers "variables.first_name"), joined by a space;
      '' when the field has none. }
    function FieldMessage(const Field: string): string;
    function HasField(const Field: string): Boolean;
    property HttpStatus: Integer read FHttpStatus;           // 0 for a connection failure
    property Code: string read FCode;                        // VALIDATION_ERROR, UNAUTHORIZED, RATE_LIMITED, ...
    property FieldErrors: TSwitchboardFieldErrors read FFieldErrors;
    { The key the failed send went out with: pass it to the same send again later (e.g. after a restart) and the
      server still sends at most once. '' for requests that are not sends. }
    property IdempotencyKey: string read FIdempotencyKey write FIdempotencyKey;
    property RetryAfterSeconds: Integer read FRetryAfterSeconds;  // from Retry-After; 0 when absent
  end;

  { No answer: refused connection, lost connection, timeout. Code is CONNECTION_FAILED. }
  ESwitchboardConnectionError = class(ESwitchboardError)
  public
    constructor Create(const AMessage: string);
  end;

  TSwitchboardPagination = record
    Page: Integer;
    PerPage: Integer;
    TotalItems: Int64;
    TotalPages: Integer;
    HasNext: Boolean;
    HasPrev: Boolean;
    TotalIsLowerBound: Boolean;       // a text search stopped counting: there are at least TotalItems
  end;

  TSmsAccepted = record
    Id: Int64;                        // the message id in the history
    Status: string;                   // queued, or scheduled
    ToNumber: string;
    FromNumber: string;
    Message: string;                  // with its variables filled in
    Encoding: string;                 // GSM-7 or UCS-2
    Segments: Integer;
    Characters: Integer;
    SendAtUtc: TDateTime;
    IdempotencyKey: string;
    Replayed: Boolean;                // the server answered a retry with the first answer
  end;

  TCallAccepted = record
    Id: Int64;
    Status: string;
    ToNumber: string;
    FromNumber: string;
    VoiceMessageId: Int64;
    SendAtUtc: TDateTime;
    IdempotencyKey: string;
    Replayed: Boolean;
  end;

  { One SMS or call of the history. }
  TCommunication = record
    Id: Int64;
    NetworkType: string;              // sms or call
    Direction: string;                // outbound or inbound
    ToNumber: string;
    FromNumber: string;
    MessageContent: string;
    TwilioSid: string;                // '' until the send has been handed to Twilio
    Status: string;
    IsFinal: Boolean;                 // the status will not change any more
    ErrorCode: Integer;               // Twilio's error code; 0 when none
    ErrorMessage: string;
    ErrorDescription: string;
    CostAmount: Double;
    CostCurrency: string;
    DurationSeconds: Integer;
    Segments: Integer;
    Encoding: string;
    VoiceMessageId: Int64;
    SendAtUtc: TDateTime;
    SentAtUtc: TDateTime;
    CreatedAtUtc: TDateTime;
    UpdatedAtUtc: TDateTime;
  end;

  TCommunications = array of TCommunication;

  THistoryPage = record
    Items: TCommunications;
    Pagination: TSwitchboardPagination;
  end;

  { Filters of GET /api/communication/history; '' leaves one out. }
  THistoryFilter = record
    NetworkType: string;              // sms or call
    Direction: string;
    Status: string;                   // one status or a comma-separated list
    ToNumber: string;
    FromNumber: string;
    DateFrom: string;                 // yyyy-mm-dd or an ISO-8601 time
    DateTo: string;
    Search: string;                   // any part of the text or numbers, or the start of a SID
  end;

  TStatusAnswer = record
    Item: TCommunication;
    Refreshed: Boolean;               // False: Twilio could not be asked, Item is what was stored
    RefreshError: string;
  end;

  TVoiceMessage = record
    Id: Int64;
    Name: string;
    VoiceText: string;
    Voice: string;
    Language: string;
    VoiceType: string;
    VoiceFileId: Int64;
    IsActive: Boolean;
    Variables: TSwitchboardStrings;   // the {{placeholders}} a call must give values for
    CreatedAtUtc: TDateTime;
    UpdatedAtUtc: TDateTime;
  end;

  TVoiceMessages = array of TVoiceMessage;

  TVoiceMessagePage = record
    Items: TVoiceMessages;
    Pagination: TSwitchboardPagination;
  end;

  TAudioFile = record
    Id: Int64;
    Filename: string;
    FileType: string;
    ContentType: string;
    FileSize: Int64;
    DurationSeconds: Double;
    Description: string;
    TagList: TSwitchboardStrings;
    CallerNumber: string;
    CreatedAtUtc: TDateTime;
  end;

  TEmbedToken = record
    Token: string;
    Url: string;                      // the admin UI with this token: open it in TEdgeBrowser
    ExpiresAtUtc: TDateTime;
    Permissions: TSwitchboardStrings;
  end;

  { Called before each retry: Attempt is the attempt about to be made (2 for the first retry). }
  TSwitchboardRetryEvent = procedure(Sender: TObject; Attempt: Integer; const Reason: string; DelayMs: Integer) of object;

  TSwitchboardTransport = class;

  TSwitchboardClient = class
  private
    FBaseUrl: string;
    FApiKey: string;
    FClientId: string;
    FMaxRetries: Integer;
    FRetryBaseDelayMs: Integer;
    FMaxRetryDelayMs: Integer;
    FTimeoutMs: Integer;
    FOnRetry: TSwitchboardRetryEvent;
    FTransport: TSwitchboardTransport;
    procedure SetTimeoutMs(Value: Integer);
  public
    constructor Create(const BaseUrl, ApiKey: string);
    destructor Destroy; override;

    { A fresh Idempotency-Key (a random UUID). Keep it with the send if the send must survive a restart. }
    class function NewIdempotencyKey: string;

    (* POST /api/communication/sms/send. Variables holds name=value pairs for the {{placeholders}}. IdempotencyKey ''
      generates one for this send. SendAtUtc 0 sends now, otherwise it schedules (up to 35 days ahead). *)
    function SendSms(const ToNumber, Message: string; Variables: TStrings = nil; const IdempotencyKey: string = '';
      SendAtUtc: TDateTime = 0): TSmsAccepted;
    { POST /api/communication/voice/send: calls ToNumber and plays the voice message. }
    function StartCall(const ToNumber: string; VoiceMessageId: Int64; Variables: TStrings = nil;
      const IdempotencyKey: string = ''): TCallAccepted;

    { GET /api/communication/history, newest first. }
    function GetHistory(Page: Integer = 1; PerPage: Integer = 20): THistoryPage; overload;
    function GetHistory(const Filter: THistoryFilter; Page: Integer = 1; PerPage: Integer = 20): THistoryPage; overload;
    { GET /api/communication/history/<id>: the message or call a send answered with. }
    function GetCommunication(Id: Int64): TCommunication;
    { GET /api/communication/status/<sid>: the stored row, refreshed from Twilio first. }
    function GetStatus(const Sid: string): TStatusAnswer;

    { GET /api/voice-messages. }
    function ListVoiceMessages(Page: Integer = 1; PerPage: Integer = 20; ActiveOnly: Boolean = False): TVoiceMessagePage;

    { POST /api/files/upload (multipart, the audio in part "file"). Tags is comma-separated. }
    function UploadFile(const FilePath: string; const Description: string = ''; const Tags: string = ''): TAudioFile;

    { POST /api/tenant/embed-token: a short-lived credential for the admin UI (needs the API key, not a user). }
    function CreateEmbedToken(TtlMinutes: Integer = 15): TEmbedToken;

    property BaseUrl: string read FBaseUrl;
    { Optional X-Client-Id: names this installation in the audit trail. }
    property ClientId: string read FClientId write FClientId;
    property MaxRetries: Integer read FMaxRetries write FMaxRetries;                  // default 3
    property RetryBaseDelayMs: Integer read FRetryBaseDelayMs write FRetryBaseDelayMs;  // default 500
    property MaxRetryDelayMs: Integer read FMaxRetryDelayMs write FMaxRetryDelayMs;    // default 10000
    property TimeoutMs: Integer read FTimeoutMs write SetTimeoutMs;                    // default 30000, per attempt
    property OnRetry: TSwitchboardRetryEvent read FOnRetry write FOnRetry;
  end;

  { The HTTP layer (one implementation per compiler, in the implementation section). }
  TSwitchboardHeader = record
    Name: string;
    Value: string;
  end;

  TSwitchboardHeaders = array of TSwitchboardHeader;

  TSwitchboardResponse = record
    StatusCode: Integer;
    Body: string;
    RetryAfter: string;
    IdempotentReplayed: string;
  end;

  TSwitchboardTransport = class
  public
    TimeoutMs: Integer;
    function Send(const Method, Url: string; const Headers: TSwitchboardHeaders; const Body: TBytes;
      const ContentType: string): TSwitchboardResponse; virtual; abstract;
    { POST multipart/form-data: the text Fields (name=value pairs) and the file at FilePath in part FileField. }
    function SendFile(const Url: string; const Headers: TSwitchboardHeaders; Fields: TStrings;
      const FileField, FilePath: string): TSwitchboardResponse; virtual; abstract;
  end;

{ ISO-8601 ("2026-12-04T20:53:01.123Z", "...+01:00") to a UTC TDateTime; 0 for ''. }
function SwitchboardParseUtc(const Text: string): TDateTime;
function SwitchboardFormatUtc(Value: TDateTime): string;

implementation

uses
{$IFDEF FPC}
  // cwstring: without it Free Pascal on Unix converts UTF-8 to other string types as if it were Latin-1.
  {$IFDEF UNIX} cwstring, {$ENDIF}
  DateUtils, fpjson, jsonparser, fphttpclient, ssockets, opensslsockets;
{$ELSE}
  System.DateUtils, System.JSON, System.Net.URLClient, System.Net.HttpClient, System.Net.Mime;
{$ENDIF}

type
  TRequestKind = (rkRead, rkSend, rkOnce);

{$IFDEF FPC}
  TJsonNode = TJSONData;
{$ELSE}
  TJsonNode = TJSONValue;
{$ENDIF}

  THttpTransport = class(TSwitchboardTransport)
{$IFNDEF FPC}
  private
    FHttp: THTTPClient;
    function ToNetHeaders(const Headers: TSwitchboardHeaders): TNetHeaders;
    function Answer(const Response: IHTTPResponse): TSwitchboardResponse;
  public
    constructor Create;
    destructor Destroy; override;
{$ELSE}
  private
    function NewHttp(const Headers: TSwitchboardHeaders): TFPHTTPClient;
    function Run(Http: TFPHTTPClient; const Method, Url: string): TSwitchboardResponse;
  public
{$ENDIF}
    function Send(const Method, Url: string; const Headers: TSwitchboardHeaders; const Body: TBytes;
      const ContentType: string): TSwitchboardResponse; override;
    function SendFile(const Url: string; const Headers: TSwitchboardHeaders; Fields: TStrings;
      const FileField, FilePath: string): TSwitchboardResponse; override;
  end;

{ ---- JSON reading: the only compiler-specific part besides the transport ---- }

{$IFDEF FPC}
{ Copies bytes between string types without a code page conversion. With Free Pascal this unit's strings hold UTF-8
  whatever the program's default code page is, and fpjson speaks UTF8String: an implicit conversion between the two
  would go through the system code page and mangle anything outside ASCII. }
function AsUtf8(const S: string): UTF8String;
begin
  SetLength(Result, Length(S));
  if Length(S) > 0 then Move(S[1], Result[1], Length(S));
end;

function FromUtf8(const S: UTF8String): string;
begin
  SetLength(Result, Length(S));
  if Length(S) > 0 then Move(S[1], Result[1], Length(S));
end;
{$ENDIF}

function ParseJson(const Text: string): TJsonNode;
begin
{$IFDEF FPC}
  try
    Result := GetJSON(AsUtf8(Text));
  except
    Result := nil;
  end;
{$ELSE}
  Result := TJSONObject.ParseJSONValue(Text);
{$ENDIF}
end;

function AsObject(Node: TJsonNode): TJSONObject;
begin
  if (Node <> nil) and (Node is TJSONObject) then Result := TJSONObject(Node) else Result := nil;
end;

function AsArray(Node: TJsonNode): TJSONArray;
begin
  if (Node <> nil) and (Node is TJSONArray) then Result := TJSONArray(Node) else Result := nil;
end;

{ The member Name of Obj; nil when Obj is nil, the member is absent, or it is JSON null. }
function Member(Obj: TJSONObject; const Name: string): TJsonNode;
begin
  Result := nil;
  if Obj = nil then Exit;
{$IFDEF FPC}
  Result := Obj.Find(AsUtf8(Name));
  if (Result <> nil) and (Result.JSONType = jtNull) then Result := nil;
{$ELSE}
  Result := Obj.GetValue(Name);
  if Result is TJSONNull then Result := nil;
{$ENDIF}
end;

function MemberCount(Obj: TJSONObject): Integer;
begin
  Result := Obj.Count;
end;

function MemberName(Obj: TJSONObject; Index: Integer): string;
begin
{$IFDEF FPC}
  Result := FromUtf8(Obj.Names[Index]);
{$ELSE}
  Result := Obj.Pairs[Index].JsonString.Value;
{$ENDIF}
end;

function MemberValue(Obj: TJSONObject; Index: Integer): TJsonNode;
begin
{$IFDEF FPC}
  Result := Obj.Items[Index];
{$ELSE}
  Result := Obj.Pairs[Index].JsonValue;
{$ENDIF}
end;

function ItemCount(Arr: TJSONArray): Integer;
begin
  if Arr = nil then Result := 0 else Result := Arr.Count;
end;

function Item(Arr: TJSONArray; Index: Integer): TJsonNode;
begin
  Result := Arr.Items[Index];
end;

{ A string, number or boolean as text; objects and arrays as their JSON. }
function NodeText(Node: TJsonNode): string;
begin
  if Node = nil then Exit('');
{$IFDEF FPC}
  if Node.JSONType in [jtObject, jtArray] then Result := FromUtf8(Node.AsJSON)
  else if Node.JSONType = jtNull then Result := ''
  else Result := FromUtf8(Node.AsString);
{$ELSE}
  if (Node is TJSONObject) or (Node is TJSONArray) then Result := Node.ToJSON
  else if Node is TJSONNull then Result := ''
  else Result := Node.Value;
{$ENDIF}
end;

function NodeInt(Node: TJsonNode): Int64;
begin
  if Node = nil then Exit(0);
{$IFDEF FPC}
  if Node.JSONType = jtNumber then Result := Node.AsInt64 else Result := StrToInt64Def(NodeText(Node), 0);
{$ELSE}
  if Node is TJSONNumber then Result := TJSONNumber(Node).AsInt64 else Result := StrToInt64Def(NodeText(Node), 0);
{$ENDIF}
end;

function NodeFloat(Node: TJsonNode): Double;
begin
  if Node = nil then Exit(0);
{$IFDEF FPC}
  if Node.JSONType = jtNumber then Result := Node.AsFloat else Result := 0;
{$ELSE}
  if Node is TJSONNumber then Result := TJSONNumber(Node).AsDouble else Result := 0;
{$ENDIF}
end;

function NodeBool(Node: TJsonNode): Boolean;
begin
  if Node = nil then Exit(False);
{$IFDEF FPC}
  Result := (Node.JSONType = jtBoolean) and Node.AsBoolean;
{$ELSE}
  Result := Node is TJSONTrue;
{$ENDIF}
end;

{ ---- shared from here on ---- }

function JStr(Obj: TJSONObject; const Name: string): string;
begin
  Result := NodeText(Member(Obj, Name));
end;

function JInt(Obj: TJSONObject; const Name: string): Int64;
begin
  Result := NodeInt(Member(Obj, Name));
end;

function JFloat(Obj: TJSONObject; const Name: string): Double;
begin
  Result := NodeFloat(Member(Obj, Name));
end;

function JBool(Obj: TJSONObject; const Name: string): Boolean;
begin
  Result := NodeBool(Member(Obj, Name));
end;

function JTime(Obj: TJSONObject; const Name: string): TDateTime;
begin
  Result := SwitchboardParseUtc(JStr(Obj, Name));
end;

function JStrings(Node: TJsonNode): TSwitchboardStrings;
var
  Arr: TJSONArray;
  I: Integer;
begin
  Result := nil;
  Arr := AsArray(Node);
  SetLength(Result, ItemCount(Arr));
  for I := 0 to ItemCount(Arr) - 1 do
    Result[I] := NodeText(Item(Arr, I));
end;

function JsonQuote(const S: string): string;
var
  I: Integer;
  C: Char;
begin
  Result := '"';
  for I := 1 to Length(S) do
  begin
    C := S[I];
    case C of
      '"': Result := Result + '\"';
      '\': Result := Result + '\\';
      #8: Result := Result + '\b';
      #9: Result := Result + '\t';
      #10: Result := Result + '\n';
      #12: Result := Result + '\f';
      #13: Result := Result + '\r';
      #0..#7, #11, #14..#31: Result := Result + '\u' + IntToHex(Ord(C), 4);
    else
      Result := Result + C;
    end;
  end;
  Result := Result + '"';
end;

{ Variables as a JSON object member ("", when there are none). }
function VariablesJson(Variables: TStrings): string;
var
  I: Integer;
begin
  Result := '';
  if (Variables = nil) or (Variables.Count = 0) then Exit;
  for I := 0 to Variables.Count - 1 do
  begin
    if Result <> '' then Result := Result + ',';
    Result := Result + JsonQuote(Variables.Names[I]) + ':' + JsonQuote(Variables.ValueFromIndex[I]);
  end;
  Result := ',"variables":{' + Result + '}';
end;

function Utf8Bytes(const S: string): TBytes;
var
  U: UTF8String;
begin
  Result := nil;
{$IFDEF FPC}
  U := AsUtf8(S);
{$ELSE}
  U := UTF8String(S);
{$ENDIF}
  SetLength(Result, Length(U));
  if Length(U) > 0 then Move(U[1], Result[0], Length(U));
end;

{ Percent-encodes a query value (UTF-8), so "+1555..." stays a plus sign. }
function UrlEncode(const S: string): string;
const
  Hex = '0123456789ABCDEF';
var
  Bytes: TBytes;
  I: Integer;
  B: Byte;
begin
  Result := '';
  Bytes := Utf8Bytes(S);
  for I := 0 to Length(Bytes) - 1 do
  begin
    B := Bytes[I];
    if AnsiChar(B) in ['A'..'Z', 'a'..'z', '0'..'9', '-', '_', '.', '~'] then
      Result := Result + Char(B)
    else
      Result := Result + '%' + Hex[(B shr 4) + 1] + Hex[(B and 15) + 1];
  end;
end;

procedure AddQuery(var Query: string; const Name, Value: string);
begin
  if Value = '' then Exit;
  if Query = '' then Query := '?' else Query := Query + '&';
  Query := Query + Name + '=' + UrlEncode(Value);
end;

function Digits(const S: string; Start, Count: Integer): Integer;
begin
  Result := StrToIntDef(Copy(S, Start, Count), -1);
end;

function SwitchboardParseUtc(const Text: string): TDateTime;
var
  Year, Month, Day, Hour, Minute, Second, Milli, P, OffsetSign, OffsetMinutes: Integer;
  Fraction: string;
begin
  Result := 0;
  if Length(Text) < 19 then Exit;
  Year := Digits(Text, 1, 4);
  Month := Digits(Text, 6, 2);
  Day := Digits(Text, 9, 2);
  Hour := Digits(Text, 12, 2);
  Minute := Digits(Text, 15, 2);
  Second := Digits(Text, 18, 2);
  if (Year < 0) or (Month < 1) or (Day < 1) or (Hour < 0) or (Minute < 0) or (Second < 0) then Exit;
  P := 20;
  Milli := 0;
  if (P <= Length(Text)) and (Text[P] = '.') then
  begin
    Inc(P);
    Fraction := '';
    while (P <= Length(Text)) and CharInSet(Text[P], ['0'..'9']) do
    begin
      Fraction := Fraction + Text[P];
      Inc(P);
    end;
    Milli := StrToIntDef(Copy(Fraction + '000', 1, 3), 0);
  end;
  OffsetMinutes := 0;
  if (P <= Length(Text)) and CharInSet(Text[P], ['+', '-']) then
  begin
    if Text[P] = '-' then OffsetSign := -1 else OffsetSign := 1;
    OffsetMinutes := OffsetSign * (Digits(Text, P + 1, 2) * 60 + Digits(Text, P + 4, 2));
  end;
  if not TryEncodeDateTime(Year, Month, Day, Hour, Minute, Second, Milli, Result) then Exit(0);
  Result := IncMinute(Result, -OffsetMinutes);
end;

function SwitchboardFormatUtc(Value: TDateTime): string;
begin
  Result := FormatDateTime('yyyy"-"mm"-"dd"T"hh":"nn":"ss"Z"', Value);
end;

{ ---- errors ---- }

constructor ESwitchboardError.Create(AHttpStatus: Integer; const ACode, AMessage: string;
  const AFieldErrors: TSwitchboardFieldErrors; ARetryAfterSeconds: Integer);
begin
  inherited Create(AMessage);
  FHttpStatus := AHttpStatus;
  FCode := ACode;
  FFieldErrors := AFieldErrors;
  FRetryAfterSeconds := ARetryAfterSeconds;
end;

function ESwitchboardError.FieldMessage(const Field: string): string;
var
  I, J: Integer;
  Name: string;
begin
  Result := '';
  for I := 0 to Length(FFieldErrors) - 1 do
  begin
    Name := FFieldErrors[I].Field;
    if (Name = Field) or (Copy(Name, 1, Length(Field) + 1) = Field + '.') or (Copy(Name, 1, Length(Field) + 1) = Field + '[') then
      for J := 0 to Length(FFieldErrors[I].Messages) - 1 do
      begin
        if Result <> '' then Result := Result + ' ';
        Result := Result + FFieldErrors[I].Messages[J];
      end;
  end;
end;

function ESwitchboardError.HasField(const Field: string): Boolean;
begin
  Result := FieldMessage(Field) <> '';
end;

constructor ESwitchboardConnectionError.Create(const AMessage: string);
begin
  inherited Create(0, 'CONNECTION_FAILED', AMessage, nil, 0);
end;

function RetryAfterSeconds(const Response: TSwitchboardResponse): Integer;
begin
  Result := StrToIntDef(Trim(Response.RetryAfter), 0);
end;

{ The error envelope (success false, error with code, message and details) as an exception; a body that is not the
  envelope (a proxy's HTML page) still gives the status. }
function ErrorFrom(const Response: TSwitchboardResponse): ESwitchboardError;
var
  Root, Details, Messages: TJsonNode;
  Error: TJSONObject;
  Fields: TSwitchboardFieldErrors;
  Code, Message: string;
  I: Integer;
begin
  Code := 'HTTP_' + IntToStr(Response.StatusCode);
  Message := Format('HTTP %d: %s', [Response.StatusCode, Copy(Response.Body, 1, 200)]);
  Fields := nil;
  Root := ParseJson(Response.Body);
  try
    Error := AsObject(Member(AsObject(Root), 'error'));
    if Error <> nil then
    begin
      if JStr(Error, 'code') <> '' then Code := JStr(Error, 'code');
      if JStr(Error, 'message') <> '' then Message := JStr(Error, 'message');
      Details := Member(Error, 'details');
      if AsObject(Details) <> nil then
      begin
        SetLength(Fields, MemberCount(AsObject(Details)));
        for I := 0 to Length(Fields) - 1 do
        begin
          Fields[I].Field := MemberName(AsObject(Details), I);
          Messages := MemberValue(AsObject(Details), I);
          if AsArray(Messages) <> nil then
            Fields[I].Messages := JStrings(Messages)
          else
          begin
            SetLength(Fields[I].Messages, 1);
            Fields[I].Messages[0] := NodeText(Messages);
          end;
        end;
      end;
    end;
  finally
    Root.Free;
  end;
  Result := ESwitchboardError.Create(Response.StatusCode, Code, Message, Fields, RetryAfterSeconds(Response));
end;

{ ---- mapping answers to records ---- }

function Pagination(Root: TJSONObject): TSwitchboardPagination;
var
  P: TJSONObject;
begin
  Result := Default(TSwitchboardPagination);
  P := AsObject(Member(Root, 'pagination'));
  Result.Page := JInt(P, 'page');
  Result.PerPage := JInt(P, 'per_page');
  Result.TotalItems := JInt(P, 'total_items');
  Result.TotalPages := JInt(P, 'total_pages');
  Result.HasNext := JBool(P, 'has_next');
  Result.HasPrev := JBool(P, 'has_prev');
  Result.TotalIsLowerBound := JBool(P, 'total_is_lower_bound');
end;

function CommunicationFrom(Obj: TJSONObject): TCommunication;
begin
  Result := Default(TCommunication);
  Result.Id := JInt(Obj, 'id');
  Result.NetworkType := JStr(Obj, 'network_type');
  Result.Direction := JStr(Obj, 'direction');
  Result.ToNumber := JStr(Obj, 'to_number');
  Result.FromNumber := JStr(Obj, 'from_number');
  Result.MessageContent := JStr(Obj, 'message_content');
  Result.TwilioSid := JStr(Obj, 'twilio_sid');
  Result.Status := JStr(Obj, 'status');
  Result.IsFinal := JBool(Obj, 'is_final');
  Result.ErrorCode := JInt(Obj, 'error_code');
  Result.ErrorMessage := JStr(Obj, 'error_message');
  Result.ErrorDescription := JStr(Obj, 'error_description');
  Result.CostAmount := JFloat(Obj, 'cost_amount');
  Result.CostCurrency := JStr(Obj, 'cost_currency');
  Result.DurationSeconds := JInt(Obj, 'duration_seconds');
  Result.Segments := JInt(Obj, 'segments');
  Result.Encoding := JStr(Obj, 'encoding');
  Result.VoiceMessageId := JInt(Obj, 'voice_message_id');
  Result.SendAtUtc := JTime(Obj, 'send_at');
  Result.SentAtUtc := JTime(Obj, 'sent_at');
  Result.CreatedAtUtc := JTime(Obj, 'created_at');
  Result.UpdatedAtUtc := JTime(Obj, 'updated_at');
end;

function VoiceMessageFrom(Obj: TJSONObject): TVoiceMessage;
begin
  Result := Default(TVoiceMessage);
  Result.Id := JInt(Obj, 'id');
  Result.Name := JStr(Obj, 'name');
  Result.VoiceText := JStr(Obj, 'voice_text');
  Result.Voice := JStr(Obj, 'voice');
  Result.Language := JStr(Obj, 'language');
  Result.VoiceType := JStr(Obj, 'voice_type');
  Result.VoiceFileId := JInt(Obj, 'voice_file_id');
  Result.IsActive := JBool(Obj, 'is_active');
  Result.Variables := JStrings(Member(Obj, 'variables'));
  Result.CreatedAtUtc := JTime(Obj, 'created_at');
  Result.UpdatedAtUtc := JTime(Obj, 'updated_at');
end;

{ ---- the client ---- }

constructor TSwitchboardClient.Create(const BaseUrl, ApiKey: string);
begin
  inherited Create;
  FBaseUrl := BaseUrl;
  while (FBaseUrl <> '') and (FBaseUrl[Length(FBaseUrl)] = '/') do
    SetLength(FBaseUrl, Length(FBaseUrl) - 1);
  FApiKey := ApiKey;
  FMaxRetries := 3;
  FRetryBaseDelayMs := 500;
  FMaxRetryDelayMs := 10000;
  FTransport := THttpTransport.Create;
  SetTimeoutMs(30000);
end;

destructor TSwitchboardClient.Destroy;
begin
  FTransport.Free;
  inherited Destroy;
end;

procedure TSwitchboardClient.SetTimeoutMs(Value: Integer);
begin
  FTimeoutMs := Value;
  FTransport.TimeoutMs := Value;
end;

class function TSwitchboardClient.NewIdempotencyKey: string;
var
  Guid: TGUID;
begin
  CreateGUID(Guid);
  Result := LowerCase(Copy(GUIDToString(Guid), 2, 36));
end;

type
  { What one API call needs; Execute runs it with the retry rules of its kind. }
  TApiCall = record
    Kind: TRequestKind;
    Method: string;
    Path: string;
    Body: TBytes;
    ContentType: string;
    IdempotencyKey: string;
    UploadPath: string;
    UploadFields: TStrings;
  end;

function Headers(const Client: TSwitchboardClient; const IdempotencyKey: string): TSwitchboardHeaders;

  procedure Add(var List: TSwitchboardHeaders; const Name, Value: string);
  begin
    SetLength(List, Length(List) + 1);
    List[Length(List) - 1].Name := Name;
    List[Length(List) - 1].Value := Value;
  end;

begin
  Result := nil;
  Add(Result, 'X-API-Key', Client.FApiKey);
  Add(Result, 'Accept', 'application/json');
  Add(Result, 'User-Agent', 'Switchboard-Pascal-Client/1.0');
  if Client.FClientId <> '' then Add(Result, 'X-Client-Id', Client.FClientId);
  if IdempotencyKey <> '' then Add(Result, 'Idempotency-Key', IdempotencyKey);
end;

function IsRetryableStatus(Kind: TRequestKind; Status: Integer): Boolean;
begin
  case Kind of
    rkRead: Result := (Status = 429) or (Status >= 500);
    rkSend: Result := (Status = 429) or (Status = 503);
  else
    Result := False;
  end;
end;

{ Exponential back-off with jitter, or the server's Retry-After when it asks for longer; at most MaxRetryDelayMs. }
function RetryDelayMs(Client: TSwitchboardClient; Attempt, RetryAfter: Integer): Integer;
var
  Guid: TGUID;
  Base: Int64;
begin
  Base := Int64(Client.FRetryBaseDelayMs) shl (Attempt - 1);
  if Base > Client.FMaxRetryDelayMs then Base := Client.FMaxRetryDelayMs;
  CreateGUID(Guid);  // a random number without touching the program's Randomize/Random state
  Result := Base div 2 + Integer(Guid.D1 mod Cardinal(Base div 2 + 1));
  if RetryAfter * 1000 > Result then Result := RetryAfter * 1000;
  if Result > Client.FMaxRetryDelayMs then Result := Client.FMaxRetryDelayMs;
end;

function Execute(Client: TSwitchboardClient; const Call: TApiCall): TSwitchboardResponse;
var
  Attempt, Delay: Integer;
  Reason: string;
  Lost: Boolean;
  Error: ESwitchboardError;
begin
  Attempt := 1;
  while True do
  begin
    Lost := False;
    Reason := '';
    try
      if Call.UploadPath <> '' then
        Result := Client.FTransport.SendFile(Client.FBaseUrl + Call.Path, Headers(Client, ''), Call.UploadFields, 'file', Call.UploadPath)
      else
        Result := Client.FTransport.Send(Call.Method, Client.FBaseUrl + Call.Path, Headers(Client, Call.IdempotencyKey),
          Call.Body, Call.ContentType);
    except
      on E: ESwitchboardConnectionError do
      begin
        if (Call.Kind = rkOnce) or (Attempt > Client.FMaxRetries) then
        begin
          E.IdempotencyKey := Call.IdempotencyKey;
          raise;
        end;
        Lost := True;
        Reason := E.Message;
      end;
    end;

    if not Lost then
    begin
      if (Result.StatusCode >= 200) and (Result.StatusCode < 300) then Exit;
      if not IsRetryableStatus(Call.Kind, Result.StatusCode) or (Attempt > Client.FMaxRetries) then
      begin
        Error := ErrorFrom(Result);
        Error.IdempotencyKey := Call.IdempotencyKey;
        raise Error;
      end;
      Reason := 'HTTP ' + IntToStr(Result.StatusCode);
    end;

    if Lost then Delay := RetryDelayMs(Client, Attempt, 0) else Delay := RetryDelayMs(Client, Attempt, RetryAfterSeconds(Result));
    Inc(Attempt);
    if Assigned(Client.FOnRetry) then Client.FOnRetry(Client, Attempt, Reason, Delay);
    Sleep(Delay);
  end;
end;

{ Runs the call and returns the parsed envelope (the caller frees it). }
function Call(Client: TSwitchboardClient; const ACall: TApiCall; out Response: TSwitchboardResponse): TJSONObject;
var
  Root: TJsonNode;
begin
  Response := Execute(Client, ACall);
  Root := ParseJson(Response.Body);
  Result := AsObject(Root);
  if Result = nil then
  begin
    Root.Free;
    raise ESwitchboardError.Create(Response.StatusCode, 'INVALID_RESPONSE',
      'The server answered ' + IntToStr(Response.StatusCode) + ' with something that is not a JSON object.', nil, 0);
  end;
end;

function GetCall(const Path: string): TApiCall;
begin
  Result := Default(TApiCall);
  Result.Kind := rkRead;
  Result.Method := 'GET';
  Result.Path := Path;
end;

function PostJson(Kind: TRequestKind; const Path, Json, IdempotencyKey: string): TApiCall;
begin
  Result := Default(TApiCall);
  Result.Kind := Kind;
  Result.Method := 'POST';
  Result.Path := Path;
  Result.Body := Utf8Bytes(Json);
  Result.ContentType := 'application/json; charset=utf-8';
  Result.IdempotencyKey := IdempotencyKey;
end;

function KeyOrNew(const IdempotencyKey: string): string;
begin
  if IdempotencyKey <> '' then Result := IdempotencyKey else Result := TSwitchboardClient.NewIdempotencyKey;
end;

function TSwitchboardClient.SendSms(const ToNumber, Message: string; Variables: TStrings; const IdempotencyKey: string;
  SendAtUtc: TDateTime): TSmsAccepted;
var
  Key, Json: string;
  Root, Data: TJSONObject;
  Response: TSwitchboardResponse;
begin
  Result := Default(TSmsAccepted);
  Key := KeyOrNew(IdempotencyKey);
  Json := '{"to":' + JsonQuote(ToNumber) + ',"message":' + JsonQuote(Message) + VariablesJson(Variables);
  if SendAtUtc <> 0 then Json := Json + ',"send_at":' + JsonQuote(SwitchboardFormatUtc(SendAtUtc));
  Json := Json + '}';

  Root := Call(Self, PostJson(rkSend, '/api/communication/sms/send', Json, Key), Response);
  try
    Data := AsObject(Member(Root, 'data'));
    Result.Id := JInt(Data, 'id');
    Result.Status := JStr(Data, 'status');
    Result.ToNumber := JStr(Data, 'to');
    Result.FromNumber := JStr(Data, 'from');
    Result.Message := JStr(Data, 'message');
    Result.Encoding := JStr(Data, 'encoding');
    Result.Segments := JInt(Data, 'segments');
    Result.Characters := JInt(Data, 'characters');
    Result.SendAtUtc := JTime(Data, 'send_at');
    Result.IdempotencyKey := Key;
    Result.Replayed := SameText(Response.IdempotentReplayed, 'true');
  finally
    Root.Free;
  end;
end;

function TSwitchboardClient.StartCall(const ToNumber: string; VoiceMessageId: Int64; Variables: TStrings;
  const IdempotencyKey: string): TCallAccepted;
var
  Key, Json: string;
  Root, Data: TJSONObject;
  Response: TSwitchboardResponse;
begin
  Result := Default(TCallAccepted);
  Key := KeyOrNew(IdempotencyKey);
  Json := '{"to":' + JsonQuote(ToNumber) + ',"voice_message_id":' + IntToStr(VoiceMessageId) + VariablesJson(Variables) + '}';

  Root := Call(Self, PostJson(rkSend, '/api/communication/voice/send', Json, Key), Response);
  try
    Data := AsObject(Member(Root, 'data'));
    Result.Id := JInt(Data, 'id');
    Result.Status := JStr(Data, 'status');
    Result.ToNumber := JStr(Data, 'to');
    Result.FromNumber := JStr(Data, 'from');
    Result.VoiceMessageId := JInt(Data, 'voice_message_id');
    Result.SendAtUtc := JTime(Data, 'send_at');
    Result.IdempotencyKey := Key;
    Result.Replayed := SameText(Response.IdempotentReplayed, 'true');
  finally
    Root.Free;
  end;
end;

function TSwitchboardClient.GetHistory(Page, PerPage: Integer): THistoryPage;
begin
  Result := GetHistory(Default(THistoryFilter), Page, PerPage);
end;

function TSwitchboardClient.GetHistory(const Filter: THistoryFilter; Page, PerPage: Integer): THistoryPage;
var
  Query: string;
  Root: TJSONObject;
  Items: TJSONArray;
  Response: TSwitchboardResponse;
  I: Integer;
begin
  Result := Default(THistoryPage);
  Query := '';
  AddQuery(Query, 'page', IntToStr(Page));
  AddQuery(Query, 'per_page', IntToStr(PerPage));
  AddQuery(Query, 'type', Filter.NetworkType);
  AddQuery(Query, 'direction', Filter.Direction);
  AddQuery(Query, 'status', Filter.Status);
  AddQuery(Query, 'to', Filter.ToNumber);
  AddQuery(Query, 'from', Filter.FromNumber);
  AddQuery(Query, 'date_from', Filter.DateFrom);
  AddQuery(Query, 'date_to', Filter.DateTo);
  AddQuery(Query, 'q', Filter.Search);

  Root := Call(Self, GetCall('/api/communication/history' + Query), Response);
  try
    Items := AsArray(Member(Root, 'data'));
    SetLength(Result.Items, ItemCount(Items));
    for I := 0 to ItemCount(Items) - 1 do
      Result.Items[I] := CommunicationFrom(AsObject(Item(Items, I)));
    Result.Pagination := Pagination(Root);
  finally
    Root.Free;
  end;
end;

function TSwitchboardClient.GetCommunication(Id: Int64): TCommunication;
var
  Root: TJSONObject;
  Response: TSwitchboardResponse;
begin
  Root := Call(Self, GetCall('/api/communication/history/' + IntToStr(Id)), Response);
  try
    Result := CommunicationFrom(AsObject(Member(Root, 'data')));
  finally
    Root.Free;
  end;
end;

function TSwitchboardClient.GetStatus(const Sid: string): TStatusAnswer;
var
  Root, Data: TJSONObject;
  Response: TSwitchboardResponse;
begin
  Result := Default(TStatusAnswer);
  Root := Call(Self, GetCall('/api/communication/status/' + UrlEncode(Sid)), Response);
  try
    Data := AsObject(Member(Root, 'data'));
    Result.Item := CommunicationFrom(AsObject(Member(Data, 'item')));
    Result.Refreshed := JBool(Data, 'refreshed');
    Result.RefreshError := JStr(Data, 'refresh_error');
  finally
    Root.Free;
  end;
end;

function TSwitchboardClient.ListVoiceMessages(Page, PerPage: Integer; ActiveOnly: Boolean): TVoiceMessagePage;
var
  Query: string;
  Root: TJSONObject;
  Items: TJSONArray;
  Response: TSwitchboardResponse;
  I: Integer;
begin
  Result := Default(TVoiceMessagePage);
  Query := '';
  AddQuery(Query, 'page', IntToStr(Page));
  AddQuery(Query, 'per_page', IntToStr(PerPage));
  if ActiveOnly then AddQuery(Query, 'is_active', 'true');

  Root := Call(Self, GetCall('/api/voice-messages' + Query), Response);
  try
    Items := AsArray(Member(Root, 'data'));
    SetLength(Result.Items, ItemCount(Items));
    for I := 0 to ItemCount(Items) - 1 do
      Result.Items[I] := VoiceMessageFrom(AsObject(Item(Items, I)));
    Result.Pagination := Pagination(Root);
  finally
    Root.Free;
  end;
end;

function TSwitchboardClient.UploadFile(const FilePath, Description, Tags: string): TAudioFile;
var
  Upload: TApiCall;
  Fields: TStringList;
  Root, Data: TJSONObject;
  Response: TSwitchboardResponse;
begin
  Result := Default(TAudioFile);
  if not FileExists(FilePath) then
    raise EFOpenError.CreateFmt('File not found: %s', [FilePath]);
  Fields := TStringList.Create;
  try
    if Description <> '' then Fields.Values['description'] := Description;
    if Tags <> '' then Fields.Values['tag_list'] := Tags;
    Upload := Default(TApiCall);
    Upload.Kind := rkOnce;
    Upload.Method := 'POST';
    Upload.Path := '/api/files/upload';
    Upload.UploadPath := FilePath;
    Upload.UploadFields := Fields;
    Root := Call(Self, Upload, Response);
  finally
    Fields.Free;
  end;
  try
    Data := AsObject(Member(Root, 'data'));
    Result.Id := JInt(Data, 'id');
    Result.Filename := JStr(Data, 'filename');
    Result.FileType := JStr(Data, 'file_type');
    Result.ContentType := JStr(Data, 'content_type');
    Result.FileSize := JInt(Data, 'file_size');
    Result.DurationSeconds := JFloat(Data, 'duration_seconds');
    Result.Description := JStr(Data, 'description');
    Result.TagList := JStrings(Member(Data, 'tag_list'));
    Result.CallerNumber := JStr(Data, 'caller_number');
    Result.CreatedAtUtc := JTime(Data, 'created_at');
  finally
    Root.Free;
  end;
end;

function TSwitchboardClient.CreateEmbedToken(TtlMinutes: Integer): TEmbedToken;
var
  Root, Data: TJSONObject;
  Response: TSwitchboardResponse;
begin
  Result := Default(TEmbedToken);
  Root := Call(Self, PostJson(rkOnce, '/api/tenant/embed-token', '{"ttl_minutes":' + IntToStr(TtlMinutes) + '}', ''), Response);
  try
    Data := AsObject(Member(Root, 'data'));
    Result.Token := JStr(Data, 'token');
    Result.Url := JStr(Data, 'url');
    Result.ExpiresAtUtc := JTime(Data, 'expires_at');
    Result.Permissions := JStrings(Member(Data, 'permissions'));
  finally
    Root.Free;
  end;
end;

{ ---- transports ---- }

{$IFNDEF FPC}

constructor THttpTransport.Create;
begin
  inherited Create;
  FHttp := THTTPClient.Create;
end;

destructor THttpTransport.Destroy;
begin
  FHttp.Free;
  inherited Destroy;
end;

function THttpTransport.ToNetHeaders(const Headers: TSwitchboardHeaders): TNetHeaders;
var
  I: Integer;
begin
  SetLength(Result, Length(Headers));
  for I := 0 to Length(Headers) - 1 do
    Result[I] := TNameValuePair.Create(Headers[I].Name, Headers[I].Value);
end;

function THttpTransport.Answer(const Response: IHTTPResponse): TSwitchboardResponse;
begin
  Result.StatusCode := Response.StatusCode;
  Result.Body := Response.ContentAsString(TEncoding.UTF8);
  Result.RetryAfter := Response.HeaderValue['Retry-After'];
  Result.IdempotentReplayed := Response.HeaderValue['Idempotent-Replayed'];
end;

function THttpTransport.Send(const Method, Url: string; const Headers: TSwitchboardHeaders; const Body: TBytes;
  const ContentType: string): TSwitchboardResponse;
var
  Source: TBytesStream;
  NetHeaders: TNetHeaders;
begin
  FHttp.ConnectionTimeout := TimeoutMs;
  FHttp.ResponseTimeout := TimeoutMs;
  NetHeaders := ToNetHeaders(Headers);
  try
    if Method = 'GET' then
      Result := Answer(FHttp.Get(Url, nil, NetHeaders))
    else
    begin
      SetLength(NetHeaders, Length(NetHeaders) + 1);
      NetHeaders[Length(NetHeaders) - 1] := TNameValuePair.Create('Content-Type', ContentType);
      Source := TBytesStream.Create(Body);
      try
        Result := Answer(FHttp.Post(Url, Source, nil, NetHeaders));
      finally
        Source.Free;
      end;
    end;
  except
    on E: ENetException do
      raise ESwitchboardConnectionError.Create(E.Message);
  end;
end;

function THttpTransport.SendFile(const Url: string; const Headers: TSwitchboardHeaders; Fields: TStrings;
  const FileField, FilePath: string): TSwitchboardResponse;
var
  Form: TMultipartFormData;
  I: Integer;
begin
  FHttp.ConnectionTimeout := TimeoutMs;
  FHttp.ResponseTimeout := TimeoutMs;
  Form := TMultipartFormData.Create;
  try
    for I := 0 to Fields.Count - 1 do
      Form.AddField(Fields.Names[I], Fields.ValueFromIndex[I]);
    Form.AddFile(FileField, FilePath);
    try
      Result := Answer(FHttp.Post(Url, Form, nil, ToNetHeaders(Headers)));
    except
      on E: ENetException do
        raise ESwitchboardConnectionError.Create(E.Message);
    end;
  finally
    Form.Free;
  end;
end;

{$ELSE}

function THttpTransport.NewHttp(const Headers: TSwitchboardHeaders): TFPHTTPClient;
var
  I: Integer;
begin
  Result := TFPHTTPClient.Create(nil);
  // One connection per request: with keep-alive, fphttpclient silently sends a request again when the server closed
  // the connection without an answer, and a resend is only ours to decide.
  Result.KeepConnection := False;
  Result.ConnectTimeout := TimeoutMs;
  Result.IOTimeout := TimeoutMs;
  for I := 0 to Length(Headers) - 1 do
    Result.AddHeader(Headers[I].Name, Headers[I].Value);
end;

function THttpTransport.Run(Http: TFPHTTPClient; const Method, Url: string): TSwitchboardResponse;
var
  Content: TBytesStream;
  Text: string;
begin
  Content := TBytesStream.Create;
  try
    try
      Http.HTTPMethod(Method, Url, Content, []);
    except
      on E: ESocketError do raise ESwitchboardConnectionError.Create(E.Message);
      on E: EHTTPClient do raise ESwitchboardConnectionError.Create(E.Message);
      on E: EInOutError do raise ESwitchboardConnectionError.Create(E.Message);
    end;
    if Http.ResponseStatusCode <= 0 then
      raise ESwitchboardConnectionError.Create('The connection closed before an answer arrived.');
    // The body's UTF-8 bytes as they are: fpjson reads UTF-8, and strings of this unit hold UTF-8 with Free Pascal.
    SetLength(Text, Content.Size);
    if Content.Size > 0 then Move(Content.Bytes[0], Text[1], Content.Size);
    Result.StatusCode := Http.ResponseStatusCode;
    Result.Body := Text;
    Result.RetryAfter := Http.GetHeader(Http.ResponseHeaders, 'Retry-After');
    Result.IdempotentReplayed := Http.GetHeader(Http.ResponseHeaders, 'Idempotent-Replayed');
  finally
    Content.Free;
  end;
end;

function THttpTransport.Send(const Method, Url: string; const Headers: TSwitchboardHeaders; const Body: TBytes;
  const ContentType: string): TSwitchboardResponse;
var
  Http: TFPHTTPClient;
  Source: TBytesStream;
begin
  Source := nil;
  Http := NewHttp(Headers);
  try
    if Method <> 'GET' then
    begin
      Source := TBytesStream.Create(Body);
      Http.AddHeader('Content-Type', ContentType);
      Http.RequestBody := Source;
    end;
    Result := Run(Http, Method, Url);
  finally
    Http.Free;
    Source.Free;
  end;
end;

function THttpTransport.SendFile(const Url: string; const Headers: TSwitchboardHeaders; Fields: TStrings;
  const FileField, FilePath: string): TSwitchboardResponse;
var
  Http: TFPHTTPClient;
  Body: TMemoryStream;
  FileData: TFileStream;
  Boundary: string;

  procedure Append(const S: string);
  var
    Bytes: TBytes;
  begin
    Bytes := Utf8Bytes(S);
    if Length(Bytes) > 0 then Body.WriteBuffer(Bytes[0], Length(Bytes));
  end;

  function Quoted(const S: string): string;
  begin
    Result := '"' + StringReplace(StringReplace(S, '"', '%22', [rfReplaceAll]), #13#10, ' ', [rfReplaceAll]) + '"';
  end;

var
  I: Integer;
begin
  Boundary := 'switchboard-' + StringReplace(TSwitchboardClient.NewIdempotencyKey, '-', '', [rfReplaceAll]);
  Body := TMemoryStream.Create;
  Http := NewHttp(Headers);
  try
    for I := 0 to Fields.Count - 1 do
      Append('--' + Boundary + #13#10 + 'Content-Disposition: form-data; name=' + Quoted(Fields.Names[I]) + #13#10#13#10 +
        Fields.ValueFromIndex[I] + #13#10);
    Append('--' + Boundary + #13#10 + 'Content-Disposition: form-data; name=' + Quoted(FileField) + '; filename=' +
      Quoted(ExtractFileName(FilePath)) + #13#10 + 'Content-Type: application/octet-stream' + #13#10#13#10);
    FileData := TFileStream.Create(FilePath, fmOpenRead or fmShareDenyWrite);
    try
      Body.CopyFrom(FileData, 0);
    finally
      FileData.Free;
    end;
    Append(#13#10 + '--' + Boundary + '--' + #13#10);
    Body.Position := 0;
    Http.AddHeader('Content-Type', 'multipart/form-data; boundary=' + Boundary);
    Http.RequestBody := Body;
    Result := Run(Http, 'POST', Url);
  finally
    Http.Free;
    Body.Free;
  end;
end;

{$ENDIF}

end.
