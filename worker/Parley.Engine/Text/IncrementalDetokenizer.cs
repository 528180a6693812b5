// Streaming detokenization: token ids in, text out, never half a character. Bytes of a multi-byte UTF-8 character
// split across tokens are held until the character is complete; bytes that can never form a character become U+FFFD,
// as Hugging Face's decode(errors="replace") does, so the concatenated deltas equal the one-shot decode.
using System.Buffers;
using System.Text.Unicode;

namespace Parley.Engine.Text;

/// <summary>Decodes one sequence's tokens as they are generated.</summary>
/// <param name="decoder">The tokenizer's token bytes.</param>
/// <param name="skipSpecialTokens">Leave special tokens out of the text.</param>
/// <param name="keptSpecialIds">Special tokens that stay in the text even when skipping: the markup a tool-call parser
/// reads (Llama 3's <c>&lt;|python_tag|&gt;</c>, Mistral's <c>[TOOL_CALLS]</c>).</param>
public sealed class IncrementalDetokenizer(TokenDecoder decoder, bool skipSpecialTokens = true, IReadOnlySet<int>? keptSpecialIds = null)
{
    // A UTF-8 character is at most 4 bytes, so at most 3 can wait for the rest.
    private readonly byte[] _pending = new byte[4 + 256];
    private int _pendingCount;
    private bool _atStart = true;

    /// <summary>Whether bytes of an unfinished character are held back.</summary>
    public bool HasPendingBytes => _pendingCount > 0;

    /// <summary>
    /// Decodes as many of <paramref name="ids"/> as fit into <paramref name="destination"/>.
    /// </summary>
    /// <returns><see cref="OperationStatus.Done"/> when every id was consumed and nothing waits;
    /// <see cref="OperationStatus.NeedMoreData"/> when every id was consumed but an unfinished character waits for the next
    /// token; <see cref="OperationStatus.DestinationTooSmall"/> when <paramref name="destination"/> filled up first (the
    /// ids not consumed must be passed again).</returns>
    public OperationStatus Decode(ReadOnlySpan<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        idsConsumed = 0;
        charsWritten = 0;
        foreach (var id in ids)
        {
            var bytes = TokenBytes(id);
            if (destination.Length - charsWritten < MaxChars(_pendingCount + bytes.Length))
            {
                return OperationStatus.DestinationTooSmall;
            }

            charsWritten += Append(bytes, destination[charsWritten..], isFinal: false);
            idsConsumed++;
        }

        return _pendingCount > 0 ? OperationStatus.NeedMoreData : OperationStatus.Done;
    }

    /// <summary>The text one more token adds (empty while a character is unfinished).</summary>
    public string Append(int id)
    {
        Span<char> buffer = stackalloc char[256];
        var bytes = TokenBytes(id);
        var destination = MaxChars(_pendingCount + bytes.Length) <= buffer.Length ? buffer : new char[MaxChars(_pendingCount + bytes.Length)];
        var written = Append(bytes, destination, isFinal: false);
        return new string(destination[..written]);
    }

    /// <summary>Ends the sequence: held bytes that never completed a character become U+FFFD.</summary>
    public string Flush()
    {
        Span<char> buffer = stackalloc char[8];
        var written = Append([], buffer, isFinal: true);
        return new string(buffer[..written]);
    }

    /// <summary>Decodes a whole sequence at once, as the streaming path would in the end.</summary>
    public static string DecodeAll(TokenDecoder decoder, ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        var detokenizer = new IncrementalDetokenizer(decoder, skipSpecialTokens);
        var text = new System.Text.StringBuilder();
        foreach (var id in ids)
        {
            text.Append(detokenizer.Append(id));
        }

        return text.Append(detokenizer.Flush()).ToString();
    }

    private static int MaxChars(int byteCount) => byteCount + 1;

    private ReadOnlySpan<byte> TokenBytes(int id) =>
        skipSpecialTokens && decoder.IsSpecial(id) && keptSpecialIds?.Contains(id) != true ? [] : decoder.Bytes(id);

    private int Append(ReadOnlySpan<byte> bytes, Span<char> destination, bool isFinal)
    {
        var input = _pendingCount + bytes.Length <= _pending.Length ? _pending.AsSpan() : new byte[_pendingCount + bytes.Length];
        _pending.AsSpan(0, _pendingCount).CopyTo(input);
        bytes.CopyTo(input[_pendingCount..]);
        var all = input[..(_pendingCount + bytes.Length)];
        Utf8.ToUtf16(all, destination, out var read, out var written, replaceInvalidSequences: true, isFinalBlock: isFinal);
        var rest = all[read..];
        rest.CopyTo(_pending);
        _pendingCount = rest.Length;
        if (_atStart && written > 0 && decoder.StripsLeadingSpace && destination[0] == ' ')
        {
            destination[1..written].CopyTo(destination);
            written--;
        }

        _atStart &= written == 0;
        return written;
    }
}
