// vLLM flags that real command lines carry but that change nothing on this engine. They are accepted, values and all,
// so a pasted `vllm serve` line starts the worker; each one given is logged once at start with the reason it does nothing.
using System.CommandLine;
using System.CommandLine.Parsing;

namespace Parley.Worker.Cli;

/// <summary>The accepted-but-inert flags and why each is inert.</summary>
internal sealed class FlagsWithoutEffect
{
    private readonly (Option Option, string Reason)[] _flags =
    [
        (new Option<bool>("--enable-chunked-prefill") { Description = "Accepted; prefill is always chunked here." },
            "--enable-chunked-prefill: prefill is always chunked here, by --max-num-batched-tokens."),
        (new Option<bool>("--no-enable-chunked-prefill") { Description = "Accepted; prefill is always chunked here." },
            "--no-enable-chunked-prefill: prefill is always chunked here, by --max-num-batched-tokens; it cannot be turned off."),
        (new Option<bool>("--enable-reasoning") { Description = "Accepted (deprecated in vLLM); --reasoning-parser alone turns reasoning on." },
            "--enable-reasoning: --reasoning-parser alone splits reasoning from the answer (vLLM deprecated this flag too)."),
        (new Option<bool>("--trust-remote-code") { Description = "Accepted; no code from a checkpoint is run." },
            "--trust-remote-code: the worker runs no code from checkpoints; its architectures are built in."),
        (new Option<bool>("--disable-custom-all-reduce") { Description = "Accepted; one device has no all-reduce." },
            "--disable-custom-all-reduce: a model on one device has no all-reduce."),
        (new Option<double?>("--swap-space") { Description = "Accepted; preempted requests are recomputed, not swapped." },
            "--swap-space: preempted requests are recomputed, never swapped to CPU memory."),
        (new Option<int?>("--max-num-partial-prefills") { Description = "Accepted; prefills share the step's token budget." },
            "--max-num-partial-prefills: prefills are limited only by the step's token budget (--max-num-batched-tokens)."),
    ];

    public IEnumerable<Option> Options => _flags.Select(flag => flag.Option);

    /// <summary>The reasons for the inert flags this command line gave.</summary>
    public IReadOnlyList<string> Given(ParseResult result) =>
        _flags.Where(flag => result.GetResult(flag.Option) is { Implicit: false }).Select(flag => flag.Reason).ToList();
}
