using System.ComponentModel.DataAnnotations;
using k8s.Models;

namespace Parley.Api.Spec;

/// <summary>A Jinja chat template given inline or by ConfigMap; set at most one. Unset means the checkpoint's own template.</summary>
public sealed class ChatTemplateSpec
{
    /// <summary>The Jinja template text.</summary>
    [MinLength(1)]
    public string? Inline { get; set; }

    /// <summary>A ConfigMap key holding the Jinja template text.</summary>
    public V1ConfigMapKeySelector? ConfigMapRef { get; set; }
}
