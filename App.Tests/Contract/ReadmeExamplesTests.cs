using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using App.Tests.Support;

namespace App.Tests.Contract;

/// <summary>The app as README's examples meet it: an operator key, and the Twilio simulator reachable over a socket.</summary>
public sealed class ReadmeAppFactory : KestrelAppFactory
{
    public const string ReadmeOperatorKey = "op_readme-examples-operator-key-0123456789";

    public ReadmeAppFactory()
    {
        Settings["Operator:ApiKey"] = ReadmeOperatorKey;
        Settings["Auth:BcryptWorkFactor"] = "4";
    }
}

/// <summary>
/// Runs README.md's examples as written: every <c>curl</c> line of its bash blocks, in order, against a fresh tenant
/// <c>demo</c> (only <c>http://localhost:5080</c>, <c>$API_KEY</c> and <c>$OPERATOR_KEY</c> are filled in), checking the
/// status and error code written after the arrow; and the tenant command lines against App itself.
/// </summary>
public sealed partial class ReadmeExamplesTests(ReadmeAppFactory factory) : IClassFixture<ReadmeAppFactory>
{
    private const string ReadmeBase = "http://localhost:5080";

    private static string Readme => File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    /// <summary>The commands of README's bash blocks, continuation lines joined.</summary>
    private static IEnumerable<string> Commands()
    {
        foreach (Match block in BashBlock().Matches(Readme))
        {
            var joined = block.Groups[1].Value.Replace("\\\r\n", " ", StringComparison.Ordinal).Replace("\\\n", " ", StringComparison.Ordinal);
            foreach (var line in joined.Split('\n')) yield return line.Trim();
        }
    }

    [Fact]
    public async Task Every_curl_example_answers_as_README_says()
    {
        var demo = await factory.CreateTenantAsync("Demo Dental", "demo");
        var variables = new Dictionary<string, string> { ["API_KEY"] = demo.ApiKey, ["OPERATOR_KEY"] = ReadmeAppFactory.ReadmeOperatorKey };
        var examples = Commands().Where(c => c.StartsWith("curl ", StringComparison.Ordinal)).ToList();
        examples.Count.ShouldBeGreaterThanOrEqualTo(20, "README's examples were not found");

        using var client = new HttpClient { BaseAddress = factory.BaseAddress };
        foreach (var example in examples)
        {
            var (words, comment) = ShellWords(example, variables);
            var expected = Arrow().Match(comment ?? "");
            expected.Success.ShouldBeTrue($"README example without '# → status': {example}");

            using var request = CurlRequest(words);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            ((int)response.StatusCode).ShouldBe(int.Parse(expected.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture),
                $"{example}\n{body}");
            if (response.Content.Headers.ContentType?.MediaType != "application/json" || !request.RequestUri!.AbsolutePath.StartsWith("/api", StringComparison.Ordinal)) continue;
            var envelope = JsonDocument.Parse(body).RootElement;
            envelope.GetProperty("success").GetBoolean().ShouldBe(response.IsSuccessStatusCode, example);
            if (expected.Groups["code"].Success)
                envelope.GetProperty("error").GetProperty("code").GetString().ShouldBe(expected.Groups["code"].Value, example);
        }
    }

    [Fact]
    public async Task The_tenant_command_lines_work_as_written()
    {
        var lines = Commands().Where(c => c.StartsWith("dotnet run --project App -- tenant ", StringComparison.Ordinal)).ToList();
        lines.Count.ShouldBe(5);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", "readme-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var line in lines)
            {
                var (words, _) = ShellWords(line, new Dictionary<string, string>());
                var (exitCode, stdout, stderr) = await AppProcess.RunAsync(dataDirectory, words.Skip(5).ToArray());
                exitCode.ShouldBe(0, $"{line}\n{stderr}");
                if (words[5..7] is ["tenant", "create"])
                {
                    var created = JsonDocument.Parse(stdout).RootElement;
                    created.GetProperty("id").GetString().ShouldBe("acme");
                    created.GetProperty("name").GetString().ShouldBe("Acme Dental");
                    created.GetProperty("api_key").GetString()!.ShouldStartWith("sb_");
                }
            }
        }
        finally
        {
            try { Directory.Delete(dataDirectory, recursive: true); }
            catch (DirectoryNotFoundException) { }
        }
    }

    /// <summary>The request a curl command line sends (the options README uses: -s, -X, -H, -d, --data-urlencode, -F, -o).</summary>
    private static HttpRequestMessage CurlRequest(List<string> words)
    {
        string? method = null, url = null;
        var headers = new List<(string Name, string Value)>();
        var data = new List<string>();
        var form = new List<(string Name, string Value)>();
        for (var i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-s" or "-sS" or "--silent": break;
                case "-o": i++; break;
                case "-X": method = words[++i]; break;
                case "-H":
                    var header = words[++i];
                    var colon = header.IndexOf(':', StringComparison.Ordinal);
                    headers.Add((header[..colon].Trim(), header[(colon + 1)..].Trim()));
                    break;
                case "-d" or "--data" or "--data-raw": data.Add(words[++i]); break;
                case "--data-urlencode":
                    var pair = words[++i];
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    data.Add(pair[..equals] + "=" + Uri.EscapeDataString(pair[(equals + 1)..]));
                    break;
                case "-F":
                    var field = words[++i];
                    var eq = field.IndexOf('=', StringComparison.Ordinal);
                    form.Add((field[..eq], field[(eq + 1)..]));
                    break;
                case var option when option.StartsWith('-'):
                    throw new ShouldAssertException($"README uses a curl option this test does not know: {option}");
                default:
                    url = words[i];
                    break;
            }
        }

        url.ShouldNotBeNull();
        url.ShouldStartWith(ReadmeBase);
        var request = new HttpRequestMessage(new HttpMethod(method ?? (data.Count > 0 || form.Count > 0 ? "POST" : "GET")), url[ReadmeBase.Length..]);
        if (form.Count > 0)
        {
            var multipart = new MultipartFormDataContent();
            foreach (var (name, value) in form)
            {
                if (value.StartsWith('@'))
                {
                    var file = new ByteArrayContent(AudioFixtures.Mp3(2.0));
                    file.Headers.ContentType = new MediaTypeHeaderValue("audio/mpeg");
                    multipart.Add(file, name, value[1..]);
                }
                else
                {
                    multipart.Add(new StringContent(value), name);
                }
            }

            request.Content = multipart;
        }
        else if (data.Count > 0)
        {
            // curl's -d sends application/x-www-form-urlencoded unless a Content-Type header says otherwise.
            request.Content = new StringContent(string.Join('&', data), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        }

        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && request.Content is not null)
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            else
                request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>Splits a command line as a POSIX shell would ('…' literal, "…" and bare words with $NAME), up to an unquoted #.</summary>
    private static (List<string> Words, string? Comment) ShellWords(string line, IReadOnlyDictionary<string, string> variables)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }

            if (c == '#' && !inWord) return (words, line[(i + 1)..].Trim());
            inWord = true;
            if (c == '\'')
            {
                var end = line.IndexOf('\'', i + 1);
                word.Append(line, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                for (i++; line[i] != '"'; i++)
                {
                    if (line[i] == '\\' && line[i + 1] is '"' or '\\' or '$') word.Append(line[++i]);
                    else if (line[i] == '$') i = Expand(line, i, variables, word);
                    else word.Append(line[i]);
                }
            }
            else if (c == '$')
            {
                i = Expand(line, i, variables, word);
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord) words.Add(word.ToString());
        return (words, null);
    }

    private static int Expand(string line, int dollar, IReadOnlyDictionary<string, string> variables, StringBuilder word)
    {
        var end = dollar + 1;
        while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] == '_')) end++;
        var name = line[(dollar + 1)..end];
        word.Append(variables.TryGetValue(name, out var value) ? value : throw new ShouldAssertException($"README uses ${name}, which this test does not set"));
        return end - 1;
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex(@"^→ (?<status>\d{3})(?: (?<code>[A-Z_]{3,}))?")]
    private static partial Regex Arrow();
}
