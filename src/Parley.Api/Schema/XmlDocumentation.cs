// The C# XML documentation of Parley.Api, read back at run time so the CRD's descriptions are the code's own docs.
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Parley.Api.Schema;

/// <summary>Summaries from a compiler-generated XML documentation file, keyed by member.</summary>
public sealed partial class XmlDocumentation
{
    private readonly Dictionary<string, string> _summaries;

    private XmlDocumentation(Dictionary<string, string> summaries) => _summaries = summaries;

    /// <summary>Loads the documentation file that the build writes beside <paramref name="assembly"/>.</summary>
    /// <exception cref="FileNotFoundException">The file is missing (the project must set GenerateDocumentationFile).</exception>
    public static XmlDocumentation For(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The XML documentation of {assembly.GetName().Name} is not beside it; build with GenerateDocumentationFile.", path);
        }

        var summaries = XDocument.Load(path).Descendants("member")
            .Where(member => member.Element("summary") is not null)
            .ToDictionary(member => (string)member.Attribute("name")!, member => Flatten(member.Element("summary")!));
        return new XmlDocumentation(summaries);
    }

    /// <summary>The summary of a type, or null.</summary>
    public string? Of(Type type) => _summaries.GetValueOrDefault("T:" + type.FullName);

    /// <summary>The summary of a property, or null.</summary>
    public string? Of(PropertyInfo property) =>
        _summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    private static string Flatten(XElement summary)
    {
        foreach (var reference in summary.Descendants("see").ToList())
        {
            var target = (string?)reference.Attribute("cref") ?? (string?)reference.Attribute("langword") ?? "";
            reference.ReplaceWith(target[(target.LastIndexOfAny(['.', ':']) + 1)..]);
        }

        return Whitespace().Replace(string.Concat(summary.Nodes().Select(node => node is XElement element ? element.Value : node.ToString())), " ")
            .Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal)
            .Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
