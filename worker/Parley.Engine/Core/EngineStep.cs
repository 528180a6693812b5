namespace Parley.Engine.Core;

/// <summary>What one engine step computed, reported through <see cref="InferenceEngine.StepCompleted"/>.</summary>
/// <param name="TokenCount">Tokens the forward pass computed: prefill chunks plus one per decoding request.</param>
/// <param name="RequestCount">Requests in the batch.</param>
public readonly record struct EngineStep(int TokenCount, int RequestCount);
