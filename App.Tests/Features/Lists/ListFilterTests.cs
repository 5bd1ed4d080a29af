using App.Tests.Features.Files;
using App.Tests.Features.Users;
using App.Tests.Features.VoiceMessages;
using App.Tests.Support;

namespace App.Tests.Features.Lists;

/// <summary>The filters several list endpoints share answer the same values with the same refusals everywhere.</summary>
public sealed class ListFilterTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    public static TheoryData<string> ListsWithActiveFlag => ["/api/files", "/api/users", "/api/voice-messages"];

    [Theory]
    [MemberData(nameof(ListsWithActiveFlag))]
    public async Task Every_list_with_is_active_takes_true_false_1_and_0(string list)
    {
        var tenant = await factory.CreateTenantAsync();
        var (active, retired) = await ActiveAndRetiredAsync(tenant, list);

        foreach (var yes in new[] { "true", "TRUE", "1", " true " })
            (await NamesAsync(tenant, list, yes)).ShouldBe([active], $"is_active={yes}");
        foreach (var no in new[] { "false", "False", "0" })
            (await NamesAsync(tenant, list, no)).ShouldBe([retired], $"is_active={no}");
        (await NamesAsync(tenant, list, "")).OrderBy(n => n, StringComparer.Ordinal).ShouldBe(new[] { active, retired }.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ListsWithActiveFlag))]
    public async Task Every_list_with_is_active_refuses_other_values_with_the_same_field_error(string list)
    {
        var tenant = await factory.CreateTenantAsync();

        foreach (var value in new[] { "yes", "2", "active" })
        {
            var error = await (await tenant.Client().GetAsync($"{list}?is_active={value}")).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
            error.GetProperty("message").GetString().ShouldBe("is_active is true or false.");
            error.Details("is_active").ShouldBe(["is_active is true or false."]);
        }
    }

    [Theory]
    [InlineData("/api/communication/history")]
    [InlineData("/api/audit")]
    public async Task Date_bounds_are_refused_alike_by_history_and_audit(string list)
    {
        var tenant = await factory.CreateTenantAsync();

        var from = await (await tenant.Client().GetAsync($"{list}?date_from=yesterday")).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        from.Details("date_from").ShouldBe(["Use a date (2024-01-31) or an ISO-8601 time."]);
        var to = await (await tenant.Client().GetAsync($"{list}?date_to=2024-13-45")).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        to.Details("date_to").ShouldBe(["Use a date (2024-01-31) or an ISO-8601 time."]);
        await (await tenant.Client().GetAsync($"{list}?date_from=2024-01-31&date_to=2024-02-01T09:30:00Z")).ShouldBeSuccessAsync();
    }

    private static async Task<(string Active, string Retired)> ActiveAndRetiredAsync(TestTenant tenant, string list)
    {
        var client = tenant.Client();
        switch (list)
        {
            case "/api/files":
                await client.UploadOkAsync(AudioFixtures.Mp3(1.0), "welcome.mp3");
                var old = await client.UploadOkAsync(AudioFixtures.Mp3(1.0), "retired.mp3");
                (await client.PutJsonAsync($"/api/files/{old.Id()}", new { is_active = false })).EnsureSuccessStatusCode();
                return ("welcome.mp3", "retired.mp3");
            case "/api/users":
                await tenant.CreateUserAsync("dora");
                var bert = await tenant.CreateUserAsync("bert");
                (await client.PostAsync($"/api/users/{bert.Id}/deactivate", null)).EnsureSuccessStatusCode();
                return ("dora", "bert");
            default:
                await client.CreateAsync(VoiceMessageTestData.Body("Reminder"));
                await client.CreateAsync(VoiceMessageTestData.Body("Old reminder").With("is_active", false));
                return ("Reminder", "Old reminder");
        }
    }

    private static async Task<string[]> NamesAsync(TestTenant tenant, string list, string isActive)
    {
        var data = await (await tenant.Client().GetAsync($"{list}?is_active={Uri.EscapeDataString(isActive)}")).ShouldBeSuccessAsync();
        var name = list switch { "/api/files" => "filename", "/api/users" => "username", _ => "name" };
        return data.EnumerateArray().Select(item => item.GetProperty(name).GetString()!).ToArray();
    }
}
