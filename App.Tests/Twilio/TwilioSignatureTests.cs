using System.Text;
using App.Twilio;

namespace App.Tests.Twilio;

/// <summary>The signature vectors of docs/twilio.md, "Signatures", computed with twilio-node 6.2.0.</summary>
public class TwilioSignatureTests
{
    private const string V1Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string V1Token = "12345";
    private const string V1Signature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    private static readonly KeyValuePair<string, string>[] V1Params =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+12349013030"),
        new("Digits", "1234"),
        new("From", "+12349013030"),
        new("To", "+18005551212"),
    ];

    private const string V2Token = "f2b1c0e9d8a7b6c5d4e3f2a1b0c9d8e7";
    private const string V2aUrl = "https://hooks.example.org/twilio/status?tenant=a%20b";
    private const string V2bUrl = "https://hooks.example.org:443/twilio/status?tenant=a%20b";
    private const string V2aSignature = "QQuEM8w7d0GprUEemp9+dW5XryI=";
    private const string V2bSignature = "6NMmPsoXVAS79BVcqZCAuYwNtEo=";

    private static readonly KeyValuePair<string, string>[] V2Params =
    [
        new("AccountSid", "AC00000000000000000000000000000001"),
        new("ApiVersion", "2010-04-01"),
        new("ErrorCode", "30003"),
        new("From", "+15005550006"),
        new("MessageSid", "SM00000000000000000000000000000002"),
        new("MessageStatus", "undelivered"),
        new("SmsSid", "SM00000000000000000000000000000002"),
        new("SmsStatus", "undelivered"),
        new("To", "+14155552671"),
    ];

    private const string V3Token = "0123456789abcdef0123456789abcdef";
    private const string V3Body = "{\"event\":\"test\",\"value\":42,\"text\":\"café ✓\"}";
    private const string V3Hash = "6436a3445408862ddc842853a67ae722c9c7035879f1ce4299159c9ead1b3477";
    private const string V3Url = "https://example.com/json-hook?bodySHA256=" + V3Hash;
    private const string V3Signature = "QzjrAwX22QAmv+UNYuKqJztLNB0=";

    private const string XUrl = "http://localhost:8080/sms";
    private const string XToken = "abcdefabcdefabcdefabcdefabcdefab";
    private const string XSignature = "tNZVG7Y4p9TJ5Ldi2sqYF4gsBCs=";

    private static readonly KeyValuePair<string, string>[] XParams =
    [
        new("Body", "Café ✓ ok?"),
        new("From", "+447700900123"),
        new("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"),
        new("MessageSid", "MM00000000000000000000000000000003"),
        new("NumMedia", "1"),
        new("To", "+447700900456"),
        new("Tag", "b"),
        new("Tag", "a"),
    ];

    [Fact]
    public void V1_uses_ordinal_sort_of_names()
    {
        TwilioSignature.Compute(V1Url, V1Params, V1Token).ShouldBe(V1Signature);
        TwilioSignature.IsValid(V1Url, V1Params, V1Token, V1Signature).ShouldBeTrue();
    }

    [Fact]
    public void V1_does_not_depend_on_the_order_params_arrive_in_and_avoids_the_culture_sort_trap()
    {
        var shuffled = V1Params.Reverse().ToArray();

        var signature = TwilioSignature.Compute(V1Url, shuffled, V1Token);

        signature.ShouldBe(V1Signature);
        signature.ShouldNotBe("uPRYgrYuBDvZYjndg32/dXU2O4k=");
    }

    [Fact]
    public void V2a_and_V2b_sign_the_url_with_and_without_the_default_port()
    {
        TwilioSignature.Compute(V2aUrl, V2Params, V2Token).ShouldBe(V2aSignature);
        TwilioSignature.Compute(V2bUrl, V2Params, V2Token).ShouldBe(V2bSignature);
    }

    [Fact]
    public void V2_signatures_validate_with_the_port_swapped()
    {
        TwilioSignature.IsValid(V2bUrl, V2Params, V2Token, V2aSignature).ShouldBeTrue();
        TwilioSignature.IsValid(V2aUrl, V2Params, V2Token, V2bSignature).ShouldBeTrue();
        TwilioSignature.IsValid(V2aUrl, V2Params, V2Token, V2aSignature).ShouldBeTrue();
    }

    [Fact]
    public void V3_json_body_is_validated_by_url_signature_and_body_hash()
    {
        var body = Encoding.UTF8.GetBytes(V3Body);

        TwilioSignature.BodySha256Hex(body).ShouldBe(V3Hash);
        TwilioSignature.Compute(V3Url, [], V3Token).ShouldBe(V3Signature);
        TwilioSignature.IsValidJson(V3Url, body, V3Token, V3Signature).ShouldBeTrue();
    }

    [Fact]
    public void V3_with_a_changed_body_or_no_body_hash_in_the_url_is_rejected()
    {
        var tampered = Encoding.UTF8.GetBytes(V3Body.Replace("42", "43", StringComparison.Ordinal));

        TwilioSignature.IsValidJson(V3Url, tampered, V3Token, V3Signature).ShouldBeFalse();
        TwilioSignature.IsValidJson("https://example.com/json-hook", Encoding.UTF8.GetBytes(V3Body), V3Token, V3Signature).ShouldBeFalse();
        TwilioSignature.IsValidJson(V3Url, Encoding.UTF8.GetBytes(V3Body), "wrong-token", V3Signature).ShouldBeFalse();
    }

    [Fact]
    public void X_signs_utf8_values_and_repeated_keys_sorted()
    {
        TwilioSignature.Compute(XUrl, XParams, XToken).ShouldBe(XSignature);
        TwilioSignature.IsValid(XUrl, XParams, XToken, XSignature).ShouldBeTrue();
    }

    [Fact]
    public void X_repeated_values_are_deduplicated()
    {
        var withDuplicate = XParams.Append(new("Tag", "a")).ToArray();

        TwilioSignature.Compute(XUrl, withDuplicate, XToken).ShouldBe(XSignature);
    }

    [Fact]
    public void A_changed_parameter_value_is_rejected()
    {
        var tampered = V1Params.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "9999") : p);

        TwilioSignature.IsValid(V1Url, tampered, V1Token, V1Signature).ShouldBeFalse();
    }

    [Fact]
    public void A_changed_url_is_rejected()
    {
        TwilioSignature.IsValid(V1Url.Replace("foo=1", "foo=2", StringComparison.Ordinal), V1Params, V1Token, V1Signature).ShouldBeFalse();
        TwilioSignature.IsValid("http://mycompany.com/myapp.php?foo=1&bar=2", V1Params, V1Token, V1Signature).ShouldBeFalse();
    }

    [Fact]
    public void An_extra_parameter_is_rejected()
    {
        var extra = V1Params.Append(new("Injected", "1"));

        TwilioSignature.IsValid(V1Url, extra, V1Token, V1Signature).ShouldBeFalse();
    }

    [Fact]
    public void A_missing_parameter_is_rejected()
    {
        TwilioSignature.IsValid(V1Url, V1Params.Skip(1), V1Token, V1Signature).ShouldBeFalse();
    }

    [Fact]
    public void The_wrong_token_is_rejected()
    {
        TwilioSignature.IsValid(V1Url, V1Params, "54321", V1Signature).ShouldBeFalse();
        TwilioSignature.IsValid(V1Url, V1Params, "", V1Signature).ShouldBeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0/KCTR6DLpKmkAf8muzZqo1nDgQ")]
    [InlineData("0/KCTR6DLpKmkAf8muzZqo1nDgQ==")]
    [InlineData("0/kctr6dlpkmkaf8muzzqo1ndgq=")]
    public void Missing_empty_wrong_length_or_wrong_case_headers_are_rejected(string? header)
    {
        TwilioSignature.IsValid(V1Url, V1Params, V1Token, header).ShouldBeFalse();
    }

    [Fact]
    public void A_non_default_port_is_never_dropped()
    {
        var withoutPort = TwilioSignature.Compute("http://localhost/sms", XParams, XToken);

        TwilioSignature.IsValid(XUrl, XParams, XToken, withoutPort).ShouldBeFalse();
    }

    [Theory]
    [InlineData("https://h.example/p?q=1", "https://h.example:443/p?q=1")]
    [InlineData("https://h.example:443/p", "https://h.example/p")]
    [InlineData("http://h.example", "http://h.example:80")]
    [InlineData("http://user@h.example:80/x", "http://user@h.example/x")]
    [InlineData("https://[::1]/x", "https://[::1]:443/x")]
    public void Candidate_urls_swap_the_default_port(string url, string alternative)
    {
        TwilioSignature.CandidateUrls(url).ShouldBe([url, alternative]);
    }

    [Fact]
    public void Candidate_urls_leave_other_ports_and_schemes_alone()
    {
        TwilioSignature.CandidateUrls("http://localhost:8080/sms").ShouldBe(["http://localhost:8080/sms"]);
        TwilioSignature.CandidateUrls("ftp://h.example/x").ShouldBe(["ftp://h.example/x"]);
    }
}
