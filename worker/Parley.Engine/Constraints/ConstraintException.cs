namespace Parley.Engine.Constraints;

/// <summary>A constraint cannot be compiled: a keyword that is not supported, or a schema, regex or grammar that is
/// malformed. The message names the keyword or position and is fit to send back as a 400.</summary>
public sealed class ConstraintException : Exception
{
    public ConstraintException()
    {
    }

    public ConstraintException(string message)
        : base(message)
    {
    }

    public ConstraintException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
