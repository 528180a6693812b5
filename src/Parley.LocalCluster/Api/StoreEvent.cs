using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

/// <summary>One change, as watches see it. <see cref="Object"/> is a private copy nobody mutates.</summary>
/// <param name="Type"><c>ADDED</c>, <c>MODIFIED</c> or <c>DELETED</c>.</param>
internal sealed record StoreEvent(string Type, ResourceType Resource, string Namespace, JsonObject Object, long ResourceVersion);
