namespace Parley.Engine.Models;

/// <summary>A whole file's bytes at a fixed address, until disposed.</summary>
internal unsafe interface IFileBytes : IDisposable
{
    byte* Pointer { get; }

    long Length { get; }
}
