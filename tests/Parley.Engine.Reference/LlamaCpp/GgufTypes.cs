// The type codes of the GGUF format (ggml/include/gguf.h and ggml.h): how a metadata value and a tensor's elements are
// stored. Only the codes the tiny-model converter writes are listed.
namespace Parley.Engine.Reference.LlamaCpp;

/// <summary><c>enum gguf_type</c>: the type tag before every metadata value.</summary>
internal enum GgufValueType : uint
{
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
}

/// <summary><c>enum ggml_type</c>: the element type of a tensor.</summary>
internal enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    BF16 = 30,
}

/// <summary><c>enum llama_ftype</c>, written as <c>general.file_type</c>: the dominant tensor type of the file.</summary>
internal enum LlamaFileType : uint
{
    AllF32 = 0,
    MostlyF16 = 1,
    MostlyBF16 = 32,
}

/// <summary><c>enum llama_token_type</c>, written per token as <c>tokenizer.ggml.token_type</c>.</summary>
internal enum LlamaTokenType
{
    Normal = 1,
    Control = 3,
    Unused = 5,
}
