using System.Globalization;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Communication;

public static class HistoryTestData
{
    /// <summary>A tenant with five rows on 1-5 March 2026: SMS and calls, outbound and inbound, delivered to busy, with costs.</summary>
    public static async Task<TestTenant> TenantWithHistoryAsync(this AppFactory factory)
    {
        var tenant = await factory.CreateTenantAsync();
        await using var connection = await factory.Db.OpenAsync();
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var rows = new[]
        {
            ("sms", "outbound", "+14155550101", "delivered", "Reminder: cleaning on Monday", "SMaaa0000000000000000000000000001", 0.0079m),
            ("sms", "outbound", "+14155550102", "undelivered", "Reminder: x-ray on Tuesday", "SMaaa0000000000000000000000000002", 0.0079m),
            ("call", "outbound", "+14155550101", "completed", "Your appointment is tomorrow", "CAaaa0000000000000000000000000003", 0.013m),
            ("call", "outbound", "+14155550103", "busy", "Your appointment is tomorrow", "CAaaa0000000000000000000000000004", 0m),
            ("sms", "inbound", "+15005550006", "received", "=HYPERLINK(\"http://evil\"), \"quoted\"", "SMaaa0000000000000000000000000005", 0m),
        };
        for (var i = 0; i < rows.Length; i++)
        {
            var (type, direction, to, status, text, sid, cost) = rows[i];
            await connection.ExecuteAsync("""
                INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, twilio_sid, status,
                                               status_rank, cost_amount, created_at)
                VALUES (@Id, @type, @direction, @to, @from, @text, @sid, @status, 4, @cost, @createdAt)
                """, new
            {
                tenant.Id, type, direction, to, from = direction == "inbound" ? "+14155550199" : "+15005550006", text, sid, status, cost,
                createdAt = start.AddDays(i).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            });
        }

        return tenant;
    }
}
