// The bare Kestrel endpoint the voice-messages benchmark compares App against: one MapGet on the same path that
// answers the exact body bytes App answered (captured by run.sh) with the same content type. No logging, no
// authentication, no database. Settings: Urls (where to listen), Body (file with the bytes), ContentType.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var bodyFile = app.Configuration["Body"] ?? throw new InvalidOperationException("Set Body to the file holding the response bytes.");
var body = await File.ReadAllBytesAsync(bodyFile);
var contentType = app.Configuration["ContentType"] ?? "application/json; charset=utf-8";

app.MapGet("/api/voice-messages", () => Results.Bytes(body, contentType));
await app.RunAsync();
