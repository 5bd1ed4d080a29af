using System.Net;
using App.Tests.Features.Tenants;
using App.Tests.Support;

namespace App.Tests.Features.Operator;

/// <summary>/operator is served (never framed) only when an operator key is configured.</summary>
public sealed class OperatorConsolePageTests(OperatorAppFactory factory) : IClassFixture<OperatorAppFactory>
{
    [Theory]
    [InlineData("/operator")]
    [InlineData("/operator/tenants/acme")]
    public async Task The_console_page_is_served_and_may_not_be_framed(string path)
    {
        var response = await factory.CreateClient().GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
    }
}

public sealed class OperatorConsoleAbsentTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("GET", "/operator")]
    [InlineData("GET", "/operator/tenants/acme")]
    [InlineData("GET", "/api/system/overview")]
    [InlineData("POST", "/api/system/session")]
    [InlineData("GET", "/api/system/tenants/acme/profile")]
    [InlineData("PUT", "/api/system/tenants/acme/spend-cap")]
    public async Task Without_an_operator_key_neither_the_console_nor_its_API_exists(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("X-Operator-Key", "");

        var response = await factory.CreateClient().SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (response.Content.Headers.ContentType?.MediaType ?? "").ShouldNotBe("text/html");
    }
}
