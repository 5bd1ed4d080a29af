namespace App.Tests.Support;

/// <summary>Waits for something asynchronous (the outbox, the simulator's callbacks) to become true, bounded in time.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T value;
        while (true)
        {
            value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"Timed out waiting for {what ?? "a condition"}; last value: {value}");
            await Task.Delay(50);
        }
    }
}
