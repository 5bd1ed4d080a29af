using System.Net;
using System.Xml.Linq;
using App.Twilio;

namespace App.Tests.Features.Legacy;

/// <summary>
/// Cutover day: the legacy host name points at Switchboard, and Twilio numbers and scripts keep asking it for
/// Twiml.aspx?id=N and /files/mp3/&lt;name&gt;. Signed with the auth token that came from the legacy Web.config.
/// </summary>
public sealed class LegacyRoutesTests(ImportedLegacyApp app) : IClassFixture<ImportedLegacyApp>
{
    private const string Token = ImportedLegacyApp.LegacyAuthToken;
    private const string Host = ImportedLegacyApp.LegacyHost;

    [Fact]
    public async Task Twiml_aspx_on_the_legacy_host_serves_the_migrated_document_to_a_signed_GET_or_POST()
    {
        var get = await SendAsync(HttpMethod.Get, "/Twiml.aspx?id=2", Host, sign: $"http://{Host}/Twiml.aspx?id=2");
        get.StatusCode.ShouldBe(HttpStatusCode.OK);
        get.Content.Headers.ContentType!.MediaType.ShouldBe("application/xml");
        var xml = await get.Content.ReadAsStringAsync();
        xml.ShouldBe("<Response><Play>/legacy/harbor/files/mp3/welcome.mp3</Play><Say voice=\"Polly.Joanna\">Our hours are Monday to Friday, 8 a.m. to 6 p.m.</Say></Response>");
        TwimlDocument.Validate(xml).IsValid.ShouldBeTrue();

        var form = new List<KeyValuePair<string, string>> { new("CallSid", "CA0123"), new("From", "+12065550101"), new("To", "+15005550006") };
        var post = await SendAsync(HttpMethod.Post, "/Twiml.aspx?id=6", Host, sign: $"http://{Host}/Twiml.aspx?id=6", form);
        post.StatusCode.ShouldBe(HttpStatusCode.OK);
        // The unencoded legacy <Play> now names the migrated file by a valid URL.
        (await post.Content.ReadAsStringAsync()).ShouldContain("<Play>/legacy/harbor/files/mp3/apr%C3%A8s%20hours.mp3</Play>");

        // Also without the host name, signed over Switchboard's own URL.
        var byTenant = await SendAsync(HttpMethod.Get, "/legacy/harbor/Twiml.aspx?id=7", null, sign: "http://localhost/legacy/harbor/Twiml.aspx?id=7");
        byTenant.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await byTenant.Content.ReadAsStringAsync()).ShouldContain("Bonjour Zoë, ceci est un rappel pour votre rendez-vous du 12 mai. Merci et à bientôt — l'équipe.");
    }

    [Fact]
    public async Task A_missing_or_wrong_signature_is_refused_before_the_id_is_even_looked_up()
    {
        (await SendAsync(HttpMethod.Get, "/Twiml.aspx?id=2", Host, sign: null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(HttpMethod.Get, "/Twiml.aspx?id=2", Host, sign: $"http://{Host}/Twiml.aspx?id=3")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(HttpMethod.Get, "/Twiml.aspx?id=99", Host, sign: null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var wrongToken = new HttpRequestMessage(HttpMethod.Get, "/legacy/harbor/Twiml.aspx?id=2");
        wrongToken.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute("http://localhost/legacy/harbor/Twiml.aspx?id=2", null, "0000" + Token[4..]));
        (await app.CreateClient().SendAsync(wrongToken)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // A POST whose form was changed after signing.
        var form = new List<KeyValuePair<string, string>> { new("CallSid", "CA0123") };
        var request = new HttpRequestMessage(HttpMethod.Post, "/Twiml.aspx?id=2") { Content = new FormUrlEncodedContent([new("CallSid", "CA9999")]) };
        request.Headers.Host = Host;
        request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute($"http://{Host}/Twiml.aspx?id=2", form, Token));
        (await app.CreateClient().SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unknown_inactive_or_foreign_ids_answer_404_with_a_valid_empty_TwiML_document()
    {
        foreach (var id in new[] { "99", "3", "abc", "" })
        {
            var response = await SendAsync(HttpMethod.Get, $"/Twiml.aspx?id={id}", Host, sign: $"http://{Host}/Twiml.aspx?id={id}");
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, id);
            XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Name.LocalName.ShouldBe("Response");
        }

        // Another host name, or a tenant that does not exist: nothing is found either.
        (await SendAsync(HttpMethod.Get, "/Twiml.aspx?id=2", "other.example", sign: "http://other.example/Twiml.aspx?id=2"))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(HttpMethod.Get, "/legacy/nobody/Twiml.aspx?id=2", null, sign: "http://localhost/legacy/nobody/Twiml.aspx?id=2"))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Files_mp3_serves_the_migrated_audio_by_its_legacy_name()
    {
        var welcome = await SendAsync(HttpMethod.Get, "/files/mp3/welcome.mp3", Host, sign: null);
        welcome.StatusCode.ShouldBe(HttpStatusCode.OK);
        welcome.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
        (await welcome.Content.ReadAsByteArrayAsync()).ShouldBe(await File.ReadAllBytesAsync(Path.Combine(LegacyCommand.Mp3Folder, "welcome.mp3")));

        var original = await File.ReadAllBytesAsync(Path.Combine(LegacyCommand.Mp3Folder, "après hours.mp3"));
        foreach (var path in new[] { "/files/mp3/apr%C3%A8s%20hours.mp3", "/files/mp3/APR%C3%A8S%20HOURS.MP3" })
        {
            var response = await SendAsync(HttpMethod.Get, path, Host, sign: null);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            (await response.Content.ReadAsByteArrayAsync()).ShouldBe(original);
        }

        // The path the migrated TwiML plays, on any host.
        var played = await SendAsync(HttpMethod.Get, "/legacy/harbor/files/mp3/apr%C3%A8s%20hours.mp3", null, sign: null);
        (await played.Content.ReadAsByteArrayAsync()).ShouldBe(original);

        // The lost file, an inactive one, another host name: not available.
        (await SendAsync(HttpMethod.Get, "/files/mp3/old-promo-2009.mp3", Host, sign: null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(HttpMethod.Get, "/files/mp3/hold-tone.mp3", Host, sign: null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(HttpMethod.Get, "/files/mp3/welcome.mp3", "other.example", sign: null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(HttpMethod.Get, "/legacy/nobody/files/mp3/welcome.mp3", null, sign: null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? host, string? sign,
        IReadOnlyList<KeyValuePair<string, string>>? form = null)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (host is not null) request.Headers.Host = host;
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        if (sign is not null) request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(sign, form, Token));
        return app.CreateClient().SendAsync(request);
    }
}
