using App.Infrastructure.Observability;
using App.Tests.Features.Users;
using App.Tests.Support;

namespace App.Tests.Features.Audit;

public sealed class ListErrorsTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task A_tenant_sees_its_own_errors_without_details_or_stack_traces()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        var errors = factory.Service<ErrorLog>();
        await errors.RecordAsync(tenant.Id, "twilio", "Twilio refused the number", """{"stack_trace":"at Secret.Internals()"}""", "POST /api/communication/sms/send");
        await errors.RecordAsync(tenant.Id, "api", "Second failure", null);
        await errors.RecordAsync(other.Id, "api", "Not yours", null);

        var body = await (await tenant.Client().GetAsync("/api/errors")).JsonAsync();

        var items = body.GetProperty("data").EnumerateArray().ToList();
        items.Select(e => e.GetProperty("error_message").GetString()).ShouldBe(["Second failure", "Twilio refused the number"]);
        items[1].GetProperty("error_type").GetString().ShouldBe("twilio");
        items[1].GetProperty("endpoint").GetString().ShouldBe("POST /api/communication/sms/send");
        items[1].GetProperty("created_at").GetString().ShouldEndWith("Z");
        body.ToString().ShouldNotContain("Secret.Internals");
        body.ToString().ShouldNotContain("error_details");
        body.GetProperty("pagination").GetProperty("total_items").GetInt64().ShouldBe(2);
    }
}
