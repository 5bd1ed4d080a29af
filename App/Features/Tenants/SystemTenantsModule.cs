using Carter;

namespace App.Features.Tenants;

/// <summary>
/// /api/system/tenants — the vendor's provisioning API, guarded by the operator key (X-Operator-Key).
/// It does not exist (404) when Operator:ApiKey is not configured. Bodies are optional in the signature so that a
/// caller without the key gets 401, not a body-binding 400.
/// </summary>
public sealed class SystemTenantsModule : ICarterModule
{
    public sealed record CreateTenantRequest(string? Name, string? Id);

    public sealed record UpdateTenantRequest(string? Name, bool? IsActive);

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        // Without an operator key the provisioning API does not exist at all: its routes are not even mapped.
        if (string.IsNullOrEmpty(app.ServiceProvider.GetRequiredService<IConfiguration>()["Operator:ApiKey"])) return;

        var group = app.MapGroup("/api/system/tenants")
            .WithErrorResponses()
            .Refuses(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "X-Operator-Key is missing or not the operator key")
            .WithTags("System: tenants")
            .AddEndpointFilter<OperatorKeyFilter>();

        group.MapPost("/", async (CreateTenantRequest? request, TenantProvisioning provisioning, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request?.Name)) return Validation.Problem("name", "The name is required.");
            var created = await provisioning.CreateAsync(request.Name, string.IsNullOrWhiteSpace(request!.Id) ? null : request.Id, cancellationToken: ct);
            return Api.Created($"/api/system/tenants/{created.Id}", created, "Tenant created. The API key is shown only now.");
        }).Returns<TenantProvisioning.CreatedTenant>(201)
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "the name is missing or over 100 characters, or the id is not 2–63 lower-case letters, digits or dashes")
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "a tenant with this id already exists")
            .WithSummary("Create a tenant; the answer carries its API key, shown only this once.");

        group.MapGet("/", async (TenantProvisioning provisioning, CancellationToken ct) =>
            Api.Ok(await provisioning.ListAsync(ct))).Returns<IReadOnlyList<TenantProvisioning.TenantSummary>>().WithSummary("List tenants (never their keys).");

        group.MapGet("/{id}", async (string id, TenantProvisioning provisioning, CancellationToken ct) =>
            await provisioning.GetAsync(id, ct) is { } tenant ? Api.Ok(tenant) : Api.NotFound("tenant"))
            .Returns<TenantProvisioning.TenantSummary>().RefusesMissing("tenant").WithSummary("Get a tenant.");

        group.MapPut("/{id}", async (string id, UpdateTenantRequest? request, TenantProvisioning provisioning, CancellationToken ct) =>
            await provisioning.UpdateAsync(id, request?.Name, request?.IsActive, ct) is { } tenant ? Api.Ok(tenant, "Tenant updated.") : Api.NotFound("tenant"))
            .Returns<TenantProvisioning.TenantSummary>().RefusesMissing("tenant")
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "the name is empty or over 100 characters")
            .WithSummary("Rename, enable or disable a tenant.");

        group.MapPost("/{id}/rotate-key", async (string id, TenantProvisioning provisioning, CancellationToken ct) =>
            await provisioning.RotateKeyAsync(id, ct) is { } rotated ? Api.Ok(rotated, "Key rotated. The old key no longer works.") : Api.NotFound("tenant"))
            .Returns<TenantProvisioning.CreatedTenant>().RefusesMissing("tenant").WithSummary("Replace the tenant's API key; the old key stops working at once.");

        group.MapPost("/{id}/disable", async (string id, TenantProvisioning provisioning, CancellationToken ct) =>
            await provisioning.DisableAsync(id, ct) is { } tenant ? Api.Ok(tenant, "Tenant disabled.") : Api.NotFound("tenant"))
            .Returns<TenantProvisioning.TenantSummary>().RefusesMissing("tenant").WithSummary("Disable a tenant: its key and sessions stop working.");
    }
}
