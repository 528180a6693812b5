using System.ComponentModel.DataAnnotations;
using k8s.Models;

namespace Parley.Api.Spec;

/// <summary>A Jinja chat template given inline or by ConfigMap; set at most one. Unset means the checkpoint's own template.</summary>
public sealed class ChatTemplateSpec
{
    /// <summary>The longest inline template: it is copied into a ConfigMap (1 MiB at most) and read by the operator.</summary>
    public const int MaxInlineLength = 256 * 1024;

    /// <summary>The Jinja template text, at most 256 KiB (the longest templates shipped with models are tens of KiB).</summary>
    [MinLength(1)]
    [MaxLength(MaxInlineLength)]
    public string? Inline { get; set; }

    /// <summary>A ConfigMap key holding the Jinja template text.</summary>
    public V1ConfigMapKeySelector? ConfigMapRef { get; set; }
}
