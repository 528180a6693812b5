// The hostile-input table: JSON shape, types, encodings, sizes, numeric edges, paths and headers. Each row is what an
// attacker or a careless client sends and the status it must get; none may be a 5xx, and the worker must stay healthy.
using System.Text;
using static Parley.Worker.Tests.Hostile.HostileCase;

namespace Parley.Worker.Tests.Hostile;

internal static class HostileCases
{
    private const string Key = "hostile-key";

    public static string ApiKey => Key;

    private static readonly Lazy<Dictionary<string, HostileCase>> Table = new(() =>
        Shape().Concat(Types()).Concat(Sampling()).Concat(Encodings()).Concat(Prompts()).Concat(Tokenizer()).Concat(Authentication()).Concat(Sizes())
            .ToDictionary(@case => @case.Name, StringComparer.Ordinal));

    public static IEnumerable<string> Names => Table.Value.Keys;

    public static HostileCase Named(string name) => Table.Value[name];

    private static IEnumerable<HostileCase> Shape() =>
    [
        Post("empty body", "/v1/chat/completions", "", 400),
        Post("null body", "/v1/chat/completions", "null", 400),
        Post("array body", "/v1/chat/completions", "[]", 400),
        Post("number body", "/v1/chat/completions", "123", 400),
        Post("string body", "/v1/chat/completions", "\"hi\"", 400),
        Post("unclosed object", "/v1/chat/completions", "{", 400),
        Post("truncated value", "/v1/chat/completions", "{\"messages\":", 400),
        Post("trailing garbage", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} x", 400),
        Post("duplicate top-level key", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}", 400),
        Post("duplicate key in a message", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"role\":\"system\",\"content\":\"a\"}]}", 400),
        Post("duplicate key in stream_options", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"stream_options\":{\"include_usage\":true,\"include_usage\":false}}", 400),
        Post("nesting 2,000 deep", "/v1/chat/completions", "{\"messages\":" + new string('[', 2000) + new string(']', 2000) + "}", 400),
        Post("comment", "/v1/chat/completions", "{/* c */\"messages\":[]}", 400),
        Post("single quotes", "/v1/chat/completions", "{'messages':[]}", 400),
        Post("NaN literal", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":NaN}", 400),
        Post("Infinity literal", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":Infinity}", 400),
        Post("leading zeros", "/v1/completions", "{\"prompt\":\"hi\",\"max_tokens\":007}", 400),
        Post("byte order mark is skipped", "/v1/chat/completions", "\uFEFF{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}", 200),
    ];

    private static IEnumerable<HostileCase> Types() =>
    [
        Messages("messages as a string", "\"hi\"", 400),
        Messages("messages as an object", "{}", 400),
        Messages("messages empty", "[]", 400),
        Messages("message as a number", "[1]", 400),
        Messages("message as null", "[null]", 400),
        Messages("message without role", "[{\"content\":\"hi\"}]", 400),
        Messages("role as a number", "[{\"role\":1,\"content\":\"hi\"}]", 400),
        Messages("content as a number", "[{\"role\":\"user\",\"content\":5}]", 400),
        Messages("content as an object", "[{\"role\":\"user\",\"content\":{}}]", 400),
        Messages("content as a boolean", "[{\"role\":\"user\",\"content\":true}]", 400),
        Messages("content part as a string", "[{\"role\":\"user\",\"content\":[\"hi\"]}]", 400),
        Messages("content part as null", "[{\"role\":\"user\",\"content\":[null]}]", 400),
        Messages("content part as an empty object", "[{\"role\":\"user\",\"content\":[{}]}]", 400),
        Messages("content part type as a number", "[{\"role\":\"user\",\"content\":[{\"type\":1,\"text\":\"hi\"}]}]", 400),
        Messages("content part type as a list", "[{\"role\":\"user\",\"content\":[{\"type\":[\"text\"],\"text\":\"hi\"}]}]", 400),
        Messages("content part text as a number", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}]", 400),
        Messages("content part text missing", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]", 400),
        Messages("content parts nested in a list", "[{\"role\":\"user\",\"content\":[[{\"type\":\"text\",\"text\":\"hi\"}]]}]", 400),
        Messages("image part for a text model", "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:,\"}}]}]", 400),
        Messages("text parts are accepted", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]", 200),
        Chat("model as a number", "\"model\":5", 400),
        Chat("another model", "\"model\":\"gpt-4\"", 404) with { ErrorType = "NotFoundError" },
        Chat("n as a string", "\"n\":\"2\"", 400),
        Chat("n of 0", "\"n\":0", 400),
        Chat("guided_regex nested 20,000 deep", "\"guided_regex\":\"" + new string('(', 20_000) + "a" + new string(')', 20_000) + "\"", 400),
        Chat("guided_regex counting to 100,000,000", "\"guided_regex\":\"a{100000000}\"", 400),
        Chat("json schema maxLength 100,000,000", "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"string\",\"maxLength\":100000000}}}", 400),
        Chat("guided_grammar nested 20,000 deep", "\"guided_grammar\":\"root ::= " + new string('(', 20_000) + "\\\"a\\\"" + new string(')', 20_000) + "\"", 400),
        Chat("n beyond the most choices", "\"n\":129", 400),
        Chat("best_of above n", "\"n\":2,\"best_of\":3", 400),
        Chat("stream as a string", "\"stream\":\"yes\"", 400),
        Chat("stream_options as a number", "\"stream_options\":5", 400),
        Chat("include_usage as a string", "\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}", 400),
        Chat("include_usage as a number", "\"stream\":true,\"stream_options\":{\"include_usage\":1}", 400),
        Chat("ignore_eos as a number", "\"ignore_eos\":1", 400),
        Chat("skip_special_tokens as a string", "\"skip_special_tokens\":\"no\"", 400),
        Chat("continue and generation prompt", "\"continue_final_message\":true,\"add_generation_prompt\":true", 400),
        Chat("chat_template_kwargs as a string", "\"chat_template_kwargs\":\"x\"", 400),
        Chat("logprobs as a string", "\"logprobs\":\"yes\"", 400),
        Chat("top_logprobs above 20", "\"logprobs\":true,\"top_logprobs\":21", 400),
        Chat("top_logprobs without logprobs", "\"top_logprobs\":3", 400),
        Chat("stop as a number", "\"stop\":5", 400),
        Chat("stop list with a number", "\"stop\":[\"a\",5]", 400),
        Chat("unknown fields are accepted", "\"frobnicate\":{\"x\":[1,2]},\"user\":\"u\"", 200),
    ];

    private static IEnumerable<HostileCase> Sampling() =>
    [
        Chat("max_tokens as a string", "\"max_tokens\":\"5\"", 400),
        Completion("max_tokens of -1", "\"max_tokens\":-1", 400),
        Completion("max_tokens of 0", "\"max_tokens\":0", 400),
        Completion("max_tokens of int.MaxValue", "\"max_tokens\":2147483647", 400),
        Completion("max_tokens of int.MaxValue - 1", "\"max_tokens\":2147483646", 400),
        Completion("max_tokens beyond int32", "\"max_tokens\":2147483648", 400),
        Completion("max_tokens of 1e400", "\"max_tokens\":1e400", 400),
        Completion("max_tokens fractional", "\"max_tokens\":1.5", 400),
        Completion("max_tokens beyond 2^53", "\"max_tokens\":9007199254740993", 400),
        Chat("max_completion_tokens of int.MaxValue", "\"max_completion_tokens\":2147483647", 400),
        Chat("temperature as a string", "\"temperature\":\"hot\"", 400),
        Chat("temperature negative", "\"temperature\":-1", 400),
        Chat("temperature of 1e400", "\"temperature\":1e400", 400),
        Chat("temperature of 1e308", "\"temperature\":1e308", 400),
        Chat("top_p of 0", "\"top_p\":0", 400),
        Chat("top_p of 2", "\"top_p\":2", 400),
        Chat("top_k of -5", "\"top_k\":-5", 400),
        Chat("top_k beyond int32", "\"top_k\":1e10", 400),
        Chat("min_p of 2", "\"min_p\":2", 400),
        Chat("presence_penalty of 3", "\"presence_penalty\":3", 400),
        Chat("frequency_penalty of -3", "\"frequency_penalty\":-3", 400),
        Chat("repetition_penalty of 0", "\"repetition_penalty\":0", 400),
        Chat("seed as a string", "\"seed\":\"x\"", 400),
        Chat("seed of 1e400", "\"seed\":1e400", 400),
        Chat("seed negative is accepted", "\"seed\":-7", 200),
        Chat("stop_token_ids as a string", "\"stop_token_ids\":\"x\"", 400),
        Chat("stop_token_ids negative", "\"stop_token_ids\":[-1]", 400),
        Chat("stop_token_ids fractional", "\"stop_token_ids\":[1.5]", 400),
        Chat("stop_token_ids beyond int32", "\"stop_token_ids\":[99999999999]", 400),
        Chat("stop_token_ids masking the whole vocabulary", $"\"stop_token_ids\":[{string.Join(',', Enumerable.Range(0, Parley.Engine.Models.TinyModel.VocabSize))}],\"min_tokens\":1", 400),
        Chat("min_tokens above max_tokens", "\"min_tokens\":5", 400),
        Chat("min_tokens negative", "\"min_tokens\":-1", 400),
    ];

    private static IEnumerable<HostileCase> Encodings() =>
    [
        Messages("lone high surrogate in a message", "[{\"role\":\"user\",\"content\":\"a\\ud800b\"}]", 400),
        Messages("lone low surrogate in a message", "[{\"role\":\"user\",\"content\":\"\\udc00\"}]", 400),
        Messages("reversed surrogate pair", "[{\"role\":\"user\",\"content\":\"\\udc00\\ud800\"}]", 400),
        Messages("lone surrogate in a role", "[{\"role\":\"\\ud800\",\"content\":\"hi\"}]", 400),
        Messages("lone surrogate in a key", "[{\"role\":\"user\",\"content\":\"hi\",\"\\ud800\":1}]", 400),
        Chat("lone surrogate in the model name", "\"model\":\"\\ud800\"", 400),
        Chat("lone surrogate in a stop string", "\"stop\":[\"\\ud800\"]", 400),
        Completion("lone surrogate in an unknown field", "\"extra\":{\"deep\":[\"\\udfff\"]}", 400),
        Messages("valid surrogate pair is accepted", "[{\"role\":\"user\",\"content\":\"\\ud83d\\ude00\"}]", 200),
        Messages("escaped NUL is accepted", "[{\"role\":\"user\",\"content\":\"a\\u0000b\"}]", 200),
        Raw("invalid UTF-8 byte", "/v1/completions", [.. "{\"prompt\":\""u8, 0xFF, .. "\",\"max_tokens\":2}"u8], 400),
        Raw("overlong UTF-8", "/v1/completions", [.. "{\"prompt\":\""u8, 0xC0, 0x80, .. "\",\"max_tokens\":2}"u8], 400),
        Raw("UTF-8 surrogate bytes", "/v1/completions", [.. "{\"prompt\":\""u8, 0xED, 0xA0, 0x80, .. "\",\"max_tokens\":2}"u8], 400),
        Raw("truncated UTF-8 sequence", "/v1/completions", [.. "{\"prompt\":\""u8, 0xE2, 0x82, .. "\",\"max_tokens\":2}"u8], 400),
    ];

    private static IEnumerable<HostileCase> Prompts() =>
    [
        Post("prompt missing", "/v1/completions", "{\"max_tokens\":2}", 400),
        Post("prompt as a number", "/v1/completions", "{\"prompt\":5,\"max_tokens\":2}", 400),
        Post("prompt as an empty list", "/v1/completions", "{\"prompt\":[],\"max_tokens\":2}", 400),
        Post("prompt id beyond int32", "/v1/completions", "{\"prompt\":[2147483648],\"max_tokens\":2}", 400),
        Post("prompt id fractional", "/v1/completions", "{\"prompt\":[1.5],\"max_tokens\":2}", 400),
        Post("prompt id of 1e400", "/v1/completions", "{\"prompt\":[1e400],\"max_tokens\":2}", 400),
        Post("prompt id negative", "/v1/completions", "{\"prompt\":[-1],\"max_tokens\":2}", 400),
        Post("prompt id out of vocabulary", "/v1/completions", "{\"prompt\":[999999],\"max_tokens\":2}", 400),
        Post("batched prompt lists", "/v1/completions", "{\"prompt\":[[1,2],[3]],\"max_tokens\":2}", 200),
        Post("batched prompt strings", "/v1/completions", "{\"prompt\":[\"a\",\"b\"],\"max_tokens\":2}", 200),
        Post("batched prompts with an empty one", "/v1/completions", "{\"prompt\":[[1,2],[]],\"max_tokens\":2}", 400),
        Post("batched prompts with a number beside a list", "/v1/completions", "{\"prompt\":[[1,2],3],\"max_tokens\":2}", 400),
        Post("prompt list with null", "/v1/completions", "{\"prompt\":[null],\"max_tokens\":2}", 400),
        Post("prompt ids mixed with strings", "/v1/completions", "{\"prompt\":[1,\"a\"],\"max_tokens\":2}", 400),
        Post("prompt ids are accepted", "/v1/completions", "{\"prompt\":[104,105],\"max_tokens\":2}", 200),
        Completion("logprobs as a boolean", "\"logprobs\":true", 400),
        Completion("logprobs of 50", "\"logprobs\":50", 400),
        Completion("echo as a string", "\"echo\":\"x\"", 400),
        Post("prompt longer than the context", "/v1/completions", $"{{\"prompt\":\"{new string('a', 5000)}\",\"max_tokens\":2}}", 400),
    ];

    private static IEnumerable<HostileCase> Tokenizer() =>
    [
        Post("tokenize without prompt", "/tokenize", "{}", 400),
        Post("tokenize a number", "/tokenize", "{\"prompt\":5}", 400),
        Post("tokenize bad messages", "/tokenize", "{\"messages\":5}", 400),
        Post("tokenize is accepted", "/tokenize", "{\"prompt\":\"hi\"}", 200),
        Post("detokenize without tokens", "/detokenize", "{}", 400),
        Post("detokenize a string", "/detokenize", "{\"tokens\":\"x\"}", 400),
        Post("detokenize a negative id", "/detokenize", "{\"tokens\":[-1]}", 400),
        Post("detokenize an id of 1e400", "/detokenize", "{\"tokens\":[1e400]}", 400),
        Post("detokenize an id out of vocabulary", "/detokenize", "{\"tokens\":[999999]}", 400),
        Post("detokenize is accepted", "/detokenize", "{\"tokens\":[104,105]}", 200),
    ];

    private static IEnumerable<HostileCase> Authentication()
    {
        var chat = Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}");
        var prompt = Encoding.UTF8.GetBytes("{\"prompt\":\"hi\"}");
        return
        [
            new("chat without the key", "POST", "/v1/chat/completions", chat, 401) { WithKey = false },
            new("wrong key", "POST", "/v1/chat/completions", chat, 401) { Headers = [("Authorization", "Bearer nope")] },
            new("key as a prefix", "POST", "/v1/chat/completions", chat, 401) { Headers = [("Authorization", $"Bearer {Key}x")] },
            new("empty bearer", "POST", "/v1/chat/completions", chat, 401) { Headers = [("Authorization", "Bearer ")] },
            new("basic scheme", "POST", "/v1/chat/completions", chat, 401) { Headers = [("Authorization", $"Basic {Key}")] },
            new("upper-case V1 completions", "POST", "/V1/completions", prompt, 401) { WithKey = false },
            new("upper-case path", "POST", "/V1/CHAT/COMPLETIONS", chat, 401) { WithKey = false },
            new("upper-case V1 models", "GET", "/V1/models", null, 401) { WithKey = false },
            new("percent-encoded V1 models", "GET", "/%56%31/models", null, 401) { WithKey = false },
            new("percent-encoded lower v1 models", "GET", "/%76%31/models", null, 401) { WithKey = false },
            new("percent-encoded slash", "GET", "/v1%2Fmodels", null, 404) { WithKey = false },
            new("trailing slash", "GET", "/v1/models/", null, 401) { WithKey = false },
            new("double slash", "GET", "//v1/models", null, 404) { WithKey = false },
            new("dot segment", "GET", "/x/../v1/models", null, 401) { WithKey = false },
            new("info without the key", "GET", "/v1/parley/info", null, 401) { WithKey = false },
            new("upper-case info", "GET", "/V1/Parley/Info", null, 401) { WithKey = false },
            new("tokenize without the key", "POST", "/tokenize", prompt, 401) { WithKey = false },
            new("upper-case tokenize", "POST", "/TOKENIZE", prompt, 401) { WithKey = false },
            new("detokenize without the key", "POST", "/detokenize", Encoding.UTF8.GetBytes("{\"tokens\":[1]}"), 401) { WithKey = false },
            new("health needs no key", "GET", "/health", null, 200) { WithKey = false },
            new("metrics need no key", "GET", "/metrics", null, 200) { WithKey = false },
            new("wrong method", "GET", "/v1/chat/completions", null, 405),
            new("unknown path", "GET", "/v2/models", null, 404) { WithKey = false },
            new("header of 64 KB", "GET", "/v1/models", null, 431) { Headers = [("X-Big", new string('a', 64 * 1024))] },
        ];
    }

    private static IEnumerable<HostileCase> Sizes() =>
    [
        Raw("body of 40 MB", "/v1/completions", Encoding.UTF8.GetBytes($"{{\"prompt\":\"{new string('a', 40 << 20)}\"}}"), 413),
        Completion("field name of 1 MB", $"\"{new string('f', 1 << 20)}\":1", 200),
        Completion("10,000 unknown fields", string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"f{i}\":{i}")), 200),
        Post("one word of 1 MB", "/tokenize", $"{{\"prompt\":\"{new string('a', 1 << 20)}\"}}", 200),
        Completion("10,000 stop strings", $"\"stop\":[{string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"s{i}\""))}]", 200),
        Messages("10,000 messages", $"[{string.Join(',', Enumerable.Repeat("{\"role\":\"user\",\"content\":\"a\"}", 10_000))}]", 400),
    ];
}
