using App.Features.Audit;
using App.Features.Spend;
using App.Features.Tenants;
using Carter;

namespace App.Features.Operator;

/// <summary>
/// /api/system — the vendor's operator console: sessions, the overview of every tenant, and per tenant its page, usage,
/// errors, Twilio failures, opt-outs, the operator's own trail, its spend cap and admin links. Like the provisioning
/// API beside it (/api/system/tenants, <see cref="SystemTenantsModule"/>), it exists only when Operator:ApiKey is set.
/// </summary>
public sealed class OperatorModule : ICarterModule
{
    private const string NoSuchTenant = "no tenant has this id";

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        if (app.MapOperatorApi("/api/system", "System: operator console") is not { } system) return;

        system.MapPost("/session", OperatorSessionEndpoints.Start).Returns<OperatorSessionEndpoints.Started>()
            .Refuses(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "made with a session token: only the operator key starts a session")
            .WithAuditAction("operator.sign_in", "operator_session")
            .WithSummary("Exchange the operator key (X-Operator-Key) for a short-lived session token (Operator:SessionMinutes).");
        system.MapGet("/session", OperatorSessionEndpoints.Show).Returns<OperatorSessionEndpoints.Current>()
            .WithSummary("Who the credential is (the key or a session) and when the session ends.");
        system.MapDelete("/session", OperatorSessionEndpoints.End).Returns<OperatorSessionEndpoints.SignedOut>()
            .WithAuditAction("operator.sign_out", "operator_session")
            .WithSummary("Sign the session token of this request out.");

        system.MapGet("/overview", GetOverview.Handle).Returns<GetOverview.Overview>()
            .WithSummary("Every tenant: state, Twilio set up or not, sends and failures today and this month, error rate, spend against its cap, last activity, storage.");

        var tenant = system.MapGroup("/tenants/{id}").Refuses(StatusCodes.Status404NotFound, ErrorCodes.NotFound, NoSuchTenant);
        tenant.MapGet("/profile", GetTenantPage.Handle).Returns<GetTenantPage.TenantPage>()
            .WithSummary("The tenant's profile (Twilio token masked), whether it can send, this month's spend against its cap, its storage.");
        tenant.MapGet("/usage", TenantActivity.Usage).Returns<GetUsage.Usage>()
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "'from' is after 'to', or the range is longer than 366 days")
            .WithSummary("Counts by channel and status, cost and a per-day series over [from, to] in the tenant's days (30 days by default).");
        tenant.MapGet("/errors", TenantActivity.Errors).ReturnsPage<TenantActivity.ErrorItem>()
            .WithSummary("Server errors recorded for the tenant, newest first, with their details.");
        tenant.MapGet("/failures", TenantActivity.Failures).Returns<IReadOnlyList<TenantActivity.FailureItem>>()
            .WithSummary("The newest messages and calls that failed (failed, undelivered, busy, no-answer, canceled) with Twilio's error; limit 1–100, default 20.");
        tenant.MapGet("/opt-outs", TenantActivity.OptOuts).ReturnsPage<TenantActivity.OptOutItem>()
            .WithSummary("Numbers that opted out of the tenant's messages, newest first.");
        tenant.MapGet("/audit", TenantActivity.OperatorActions).ReturnsPage<ListAudit.Entry>()
            .WithSummary("What operators did to this tenant, newest first, failures included.");

        tenant.MapPut("/spend-cap", TenantActions.SetSpendCap).Returns<SpendStatus>()
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "the cap is negative or too large")
            .WithSummary("Set the tenant's monthly spend cap in USD, or null to fall back on Operator:DefaultMonthlySpendCapUsd.");
        tenant.MapPost("/embed-url", TenantActions.MintEmbedUrl).Returns<App.Features.Auth.CreateEmbedToken.Response>()
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "ttl_minutes is out of range")
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "the tenant is disabled")
            .WithSummary("A short-lived admin URL for the tenant (an embed token without manage_users), shown only now.");
    }
}
