// Call ids as the OpenAI API shapes them. vLLM writes "chatcmpl-tool-" and 32 hex digits; Mistral's chat template
// refuses any tool-call id that is not exactly 9 letters or digits, so a Mistral call gets one of those instead.
using System.Security.Cryptography;

namespace Parley.Engine.Text.ToolCalls;

internal static class ToolCallIds
{
    private const string Alphanumerics = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>9 characters: the length Mistral's templates check (<c>tool_call_id</c> must match <c>^[a-zA-Z0-9]{9}$</c>).</summary>
    public const int MistralIdLength = 9;

    public static string OpenAi() => "chatcmpl-tool-" + Guid.NewGuid().ToString("N");

    public static string Mistral() => RandomNumberGenerator.GetString(Alphanumerics, MistralIdLength);
}
