using App.Tests.Support;

namespace App.Tests.Features.VoiceMessages;

public sealed class ListVoiceMessagesTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_list_is_paginated_newest_first()
    {
        var tenant = await factory.CreateTenantAsync();
        for (var i = 1; i <= 5; i++) await tenant.Client().CreateAsync(VoiceMessageTestData.Body($"Message {i}"));

        var body = await (await tenant.Client().GetAsync("/api/voice-messages?page=2&per_page=2")).JsonAsync();

        body.GetProperty("success").GetBoolean().ShouldBeTrue();
        body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ShouldBe(["Message 3", "Message 2"]);
        body.ShouldHavePagination(page: 2, perPage: 2, totalItems: 5, totalPages: 3, hasNext: true, hasPrev: true);
    }

    [Fact]
    public async Task A_page_past_the_end_is_empty()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Only"));

        var body = await (await tenant.Client().GetAsync("/api/voice-messages?page=3")).JsonAsync();

        body.GetProperty("data").GetArrayLength().ShouldBe(0);
        body.GetProperty("pagination").GetProperty("total_items").GetInt32().ShouldBe(1);
        body.GetProperty("pagination").GetProperty("has_next").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task The_list_filters_by_active_type_and_name_search()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Dentist reminder").With("voice_type", "reminder"));
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Old REMINDER").With("voice_type", "reminder").With("is_active", false));
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Storm alert").With("voice_type", "alert"));
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("100% off_sale"));

        (await NamesAsync(tenant, "voice_type=reminder")).ShouldBe(["Old REMINDER", "Dentist reminder"]);
        (await NamesAsync(tenant, "voice_type=reminder&is_active=true")).ShouldBe(["Dentist reminder"]);
        (await NamesAsync(tenant, "is_active=0")).ShouldBe(["Old REMINDER"]);
        (await NamesAsync(tenant, "search=remind")).ShouldBe(["Old REMINDER", "Dentist reminder"]);
        (await NamesAsync(tenant, "search=" + Uri.EscapeDataString("0% off_"))).ShouldBe(["100% off_sale"]);
        (await NamesAsync(tenant, "search=" + Uri.EscapeDataString("%"))).ShouldBe(["100% off_sale"]);
        (await NamesAsync(tenant, "search=nothing")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Only_the_tenant_own_messages_are_listed()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Mine"));
        await other.Client().CreateAsync(VoiceMessageTestData.Body("Theirs"));

        (await NamesAsync(tenant, "")).ShouldBe(["Mine"]);
    }

    [Theory]
    [InlineData("is_active=maybe", "is_active")]
    [InlineData("voice_type=promo", "voice_type")]
    public async Task A_bad_filter_is_400_naming_it(string query, string field)
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().GetAsync("/api/voice-messages?" + query)).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.Details(field).ShouldHaveSingleItem();
    }

    private static async Task<string?[]> NamesAsync(TestTenant tenant, string query) =>
        (await (await tenant.Client().GetAsync("/api/voice-messages?" + query)).ShouldBeSuccessAsync())
            .EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToArray();
}
