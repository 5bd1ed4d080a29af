using System.Text.Json;

namespace App.Features.Tenants;

/// <summary>
/// The vendor's command line: <c>dotnet run --project App -- tenant create --name "Acme Dental" [--id acme]</c>
/// prints exactly one JSON object <c>{"id","name","api_key"}</c> on stdout (the only time the key is shown);
/// <c>tenant list</c>, <c>tenant rotate-key ID</c>, <c>tenant disable ID</c> and <c>tenant enable ID</c> likewise print JSON. Errors go to
/// stderr with exit code 1 (2 for usage errors).
/// </summary>
public static class TenantCli
{
    public const string Usage = """
        usage:
          tenant create --name NAME [--id ID]   create a tenant; prints {"id","name","api_key"}
          tenant list                           list tenants (never their keys)
          tenant rotate-key ID                  replace the tenant's API key; prints {"id","name","api_key"}
          tenant disable ID                     disable the tenant (its key stops working)
          tenant enable ID                      enable it again (its current key works again)
        """;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == "tenant";

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, TextWriter stderr)
    {
        var provisioning = services.GetRequiredService<TenantProvisioning>();
        try
        {
            object? output = args.Skip(1).FirstOrDefault() switch
            {
                "create" when Option(args, "--name") is { } name =>
                    await provisioning.CreateAsync(name, Option(args, "--id")),
                "list" => await provisioning.ListAsync(),
                "rotate-key" when args.Length == 3 => await provisioning.RotateKeyAsync(args[2]) ?? throw NotFound(args[2]),
                "disable" when args.Length == 3 => await provisioning.DisableAsync(args[2]) ?? throw NotFound(args[2]),
                "enable" when args.Length == 3 => await provisioning.UpdateAsync(args[2], name: null, isActive: true) ?? throw NotFound(args[2]),
                _ => null,
            };
            if (output is null)
            {
                await stderr.WriteLineAsync(Usage);
                return 2;
            }

            await stdout.WriteLineAsync(JsonSerializer.Serialize(output, Json.Options));
            return 0;
        }
        catch (ApiException error)
        {
            await stderr.WriteLineAsync($"error: {error.Message}");
            return 1;
        }
    }

    private static ApiException NotFound(string id) => new(404, ErrorCodes.NotFound, $"No tenant has id '{id}'.");

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
