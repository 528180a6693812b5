namespace Parley.Worker.Http.Tools;

/// <summary>OpenAI's tool_choice.</summary>
public enum ToolChoiceMode
{
    /// <summary>Answer in text; tools are shown to the template but no call is read.</summary>
    None,

    /// <summary>The model decides; calls are read from its own markup.</summary>
    Auto,

    /// <summary>At least one call, decoding constrained to a JSON list of calls.</summary>
    Required,

    /// <summary>A call of one named function, decoding constrained to its parameters.</summary>
    Named,
}
