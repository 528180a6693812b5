// A multi-turn chat trace: each conversation opens with its own long system prompt and question, and every later turn
// resends the whole history plus a new question, as chat clients do. Replayed by a few concurrent clients, each running
// one conversation's turns in order, so turns of different conversations interleave at the router.
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.Router.Bench;

/// <summary>Conversations to replay.</summary>
internal sealed class ChatTrace(int conversationCount, int turnCount, int systemPromptChars, int seed)
{
    private static readonly string[] Words =
        ["cluster", "replica", "token", "prefix", "cache", "latency", "stream", "router", "worker", "model", "block", "tensor",
         "kernel", "queue", "batch", "prompt", "answer", "memory", "context", "schedule"];

    /// <summary>Times to first token of every turn, and of turns after the first (those a prefix cache can shorten).</summary>
    public sealed record Result(List<double> FirstTokens, List<double> LaterFirstTokens);

    public async Task<Result> ReplayAsync(HttpClient http, int clientCount, int maxTokens)
    {
        var result = new Result([], []);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clientCount).Select(_ => Task.Run(async () =>
        {
            int conversation;
            while ((conversation = Interlocked.Increment(ref next)) < conversationCount)
            {
                await RunConversationAsync(http, conversation, maxTokens, result);
            }
        })));
        return result;
    }

    private async Task RunConversationAsync(HttpClient http, int conversation, int maxTokens, Result result)
    {
        var random = new Random(HashCode.Combine(seed, conversation));
        var messages = new JsonArray { new JsonObject { ["role"] = "system", ["content"] = Sentence(random, systemPromptChars) } };
        for (var turn = 0; turn < turnCount; turn++)
        {
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = Sentence(random, 120) });
            var timing = await StreamTiming.RunAsync(http, messages, maxTokens);
            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = timing.Text });
            lock (result)
            {
                result.FirstTokens.Add(timing.FirstTokenSeconds);
                if (turn > 0)
                {
                    result.LaterFirstTokens.Add(timing.FirstTokenSeconds);
                }
            }
        }
    }

    private static string Sentence(Random random, int chars)
    {
        var text = new StringBuilder(chars + 16);
        while (text.Length < chars)
        {
            text.Append(Words[random.Next(Words.Length)]).Append(' ');
        }

        return text.ToString(0, chars);
    }
}
