using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace App.Infrastructure.Hosting;

public static class OpenApiSetup
{
    private static string SchemaName(Type type)
    {
        if (type.IsArray) return SchemaName(type.GetElementType()!) + "Array";
        var name = type.Name;
        if (type.IsGenericType)
        {
            name = name[..name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Join("And", type.GetGenericArguments().Select(SchemaName));
        }

        return type.IsNested && !type.IsGenericParameter ? SchemaName(type.DeclaringType!) + name : name;
    }

    /// <summary>The OpenAPI document at /openapi/v1.json, with the API-key and bearer schemes Delphi clients use.</summary>
    public static IServiceCollection AddAppOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            // Use cases nest their own Request/Response/Item types: name schemas after the use case too
            // (GetVoiceMessageItem, not Item), or same-named types would overwrite each other in the document.
            options.CreateSchemaReferenceId = type =>
                OpenApiOptions.CreateDefaultSchemaReferenceId(type) is null ? null : SchemaName(type.Type);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Switchboard API",
                    Version = "v1",
                    Description = "Voice calls and SMS over Twilio for each tenant. Authenticate with the tenant API key in the X-API-Key header. " +
                                  "Every /api answer uses the envelope {success, data, message, timestamp}; errors are {success:false, error:{code, message, details}, timestamp}. " +
                                  "Each operation lists the error codes it gives under their status. Another tenant's resource answers 404 exactly as a missing one.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "X-API-Key",
                    Description = "The tenant's API key.",
                };
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A signed-in user's token or an embed token.",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] });
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var outcomes = context.Description.ActionDescriptor.EndpointMetadata.OfType<ResponseOutcome>();
                foreach (var status in outcomes.GroupBy(o => o.Status))
                {
                    if (operation.Responses?.TryGetValue(status.Key.ToString(CultureInfo.InvariantCulture), out var response) != true) continue;
                    response!.Description = string.Join("; ", status.Select(o => o.Code is null ? o.When : $"{o.Code}: {o.When}"));
                }

                return Task.CompletedTask;
            });
        });
}
