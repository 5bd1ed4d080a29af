using App.Features.Audit;
using Carter;

namespace App.Features.Tenants;

/// <summary>
/// /api/system/tenants — the vendor's provisioning API, guarded by the operator key (X-Operator-Key) or an operator
/// session. It does not exist (404) when Operator:ApiKey is not configured. Bodies are optional in the signature so that
/// a caller without the key gets 401, not a body-binding 400. What the operator does lands in the trail of the tenant
/// it touches, with the fields it changed.
/// </summary>
public sealed class SystemTenantsModule : ICarterModule
{
    public sealed record CreateTenantRequest(string? Name, string? Id);

    public sealed record UpdateTenantRequest(string? Name, bool? IsActive);

    private const string NoSuchTenant = "no tenant has this id";

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        // Without an operator key the provisioning API does not exist at all: its routes are not even mapped.
        if (app.MapOperatorApi("/api/system/tenants", "System: tenants") is not { } group) return;

        group.MapPost("/", async (CreateTenantRequest? request, TenantProvisioning provisioning, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request?.Name)) return Validation.Problem("name", "The name is required.");
            var created = await provisioning.CreateAsync(request.Name, string.IsNullOrWhiteSpace(request!.Id) ? null : request.Id, cancellationToken: ct);
            return Api.Created($"/api/system/tenants/{created.Id}", created, "Tenant created. The API key is shown only now.");
        }).Returns<TenantProvisioning.CreatedTenant>(201)
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "the name is missing or too long, or the id is not 2–63 lower-case letters, digits or dashes")
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "a tenant with this id already exists")
            .WithSummary("Create a tenant; the answer carries its API key, shown only this once.");

        group.MapGet("/", async (TenantProvisioning provisioning, CancellationToken ct) =>
            Api.Ok(await provisioning.ListAsync(ct))).Returns<IReadOnlyList<TenantProvisioning.TenantSummary>>().WithSummary("List tenants (never their keys).");

        group.MapGet("/{id}", async (string id, TenantProvisioning provisioning, CancellationToken ct) =>
            await provisioning.GetAsync(id, ct) is { } tenant ? Api.Ok(tenant) : Api.NotFound("tenant"))
            .Returns<TenantProvisioning.TenantSummary>()
            .Refuses(StatusCodes.Status404NotFound, ErrorCodes.NotFound, NoSuchTenant)
            .WithSummary("Get a tenant.");

        group.MapPut("/{id}", (string id, UpdateTenantRequest? request, HttpContext http, TenantProvisioning provisioning, CancellationToken ct) =>
                UpdateAsync(http, provisioning, id, request?.Name, request?.IsActive, "Tenant updated.", ct))
            .Returns<TenantProvisioning.TenantSummary>()
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "the name is empty or longer than 100 characters")
            .Refuses(StatusCodes.Status404NotFound, ErrorCodes.NotFound, NoSuchTenant)
            .WithSummary("Rename, enable or disable a tenant.");

        group.MapPost("/{id}/rotate-key", async (string id, HttpContext http, TenantProvisioning provisioning, CancellationToken ct) =>
        {
            if (await provisioning.RotateKeyAsync(id, ct) is not { } rotated) return Api.NotFound("tenant");
            AuditChanges.Record(http, new { ApiKey = 0 }, new { ApiKey = 1 });
            return Api.Ok(rotated, "Key rotated. The old key no longer works.");
        }).Returns<TenantProvisioning.CreatedTenant>()
            .Refuses(StatusCodes.Status404NotFound, ErrorCodes.NotFound, NoSuchTenant)
            .WithSummary("Replace the tenant's API key; the old key (and every embed token it minted) stops working at once. The new key is shown only now.");

        group.MapPost("/{id}/disable", (string id, HttpContext http, TenantProvisioning provisioning, CancellationToken ct) =>
                UpdateAsync(http, provisioning, id, name: null, isActive: false, "Tenant disabled.", ct))
            .Returns<TenantProvisioning.TenantSummary>()
            .Refuses(StatusCodes.Status404NotFound, ErrorCodes.NotFound, NoSuchTenant)
            .WithSummary("Disable a tenant: its key, embed tokens and sessions stop working; its data stays.");

        group.MapPost("/{id}/enable", (string id, HttpContext http, TenantProvisioning provisioning, CancellationToken ct) =>
                UpdateAsync(http, provisioning, id, name: null, isActive: true, "Tenant enabled.", ct))
            .Returns<TenantProvisioning.TenantSummary>()
            .Refuses(StatusCodes.Status404NotFound, ErrorCodes.NotFound, NoSuchTenant)
            .WithSummary("Enable a disabled tenant: its current key works again.");
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, TenantProvisioning provisioning, string id, string? name, bool? isActive,
        string message, CancellationToken ct)
    {
        var before = await provisioning.GetAsync(id, ct);
        if (before is null) return Api.NotFound("tenant");
        var after = await provisioning.UpdateAsync(id, name, isActive, ct);
        if (after is null) return Api.NotFound("tenant");
        AuditChanges.Record(http, new { before.Name, before.IsActive }, new { after.Name, after.IsActive });
        return Api.Ok(after, message);
    }
}
