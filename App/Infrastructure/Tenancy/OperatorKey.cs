namespace App.Infrastructure.Tenancy;

/// <summary>
/// Guards the vendor's provisioning routes with <c>Operator:ApiKey</c> sent as <c>X-Operator-Key</c>.
/// Without a configured key those routes do not exist (404), so a default install exposes no provisioning API.
/// </summary>
public sealed class OperatorKeyFilter(IConfiguration configuration) : IEndpointFilter
{
    public const string Header = "X-Operator-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = configuration["Operator:ApiKey"];
        if (string.IsNullOrEmpty(configured))
            return Api.Error(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No API endpoint matches this path.");
        var presented = context.HttpContext.Request.Headers[Header].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
            return Api.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, $"Send the operator key in the {Header} header.");
        if (!ApiKeys.SecretsEqual(presented, configured))
            return Api.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "The operator key is not valid.");

        return await next(context);
    }

    public static bool IsOperator(HttpContext context, IConfiguration configuration)
    {
        var configured = configuration["Operator:ApiKey"];
        return !string.IsNullOrEmpty(configured)
            && ApiKeys.SecretsEqual(context.Request.Headers[Header].FirstOrDefault(), configured);
    }
}
