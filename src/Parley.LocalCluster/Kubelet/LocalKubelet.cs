// The kubelet stand-in, with the parts of the deployment and endpointslice controllers a local cluster needs. One loop,
// level-based like a controller: every SyncInterval it compares Deployments and Services in the store with the local
// pods and makes them agree.
//   Deployment wants N pods of template T -> start or stop LocalPods named <deployment>-<hash(T)>-<n>
//   LocalPod state                        -> Pod object (status rebuilt each time, written when it changed)
//   Service selects a pod with a port     -> one EndpointSlice per pod per Service (the pod's own loopback port)
//   pods of a Deployment                  -> Deployment status (replicas, ready, available, updated, observedGeneration)
// A pod that goes away is marked terminating and its slices say so before the process gets SIGTERM; once the process
// has exited, its Pod and slices are deleted.
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Parley.LocalCluster.Api;
using Parley.LocalCluster.Containers;

namespace Parley.LocalCluster.Kubelet;

/// <summary>Runs the pods of the store's Deployments as local processes and publishes their Pods, EndpointSlices and Deployment status.</summary>
public sealed class LocalKubelet : IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly IContainerRunner _runner;
    private readonly LocalKubeletOptions _options;
    private readonly Dictionary<string, LocalPod> _pods = [];
    private readonly Dictionary<string, string> _written = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public LocalKubelet(ObjectStore store, IContainerRunner runner, LocalKubeletOptions? options = null)
    {
        (_store, _runner, _options) = (store, runner, options ?? new LocalKubeletOptions());
    }

    /// <summary>The pods running or stopping now, a snapshot.</summary>
    public IReadOnlyList<LocalPod> Pods
    {
        get
        {
            lock (_gate)
            {
                return [.. _pods.Values];
            }
        }
    }

    /// <summary>Starts the sync loop.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>One pass of the loop: make processes, Pods, EndpointSlices and Deployment status agree with the store.</summary>
    public void Sync()
    {
        lock (_gate)
        {
            var deployments = List<V1Deployment>("deployments.apps");
            var stopping = ScalePods(deployments, _stopping.IsCancellationRequested);
            WritePods(deployments);
            WriteEndpointSlices();
            WriteDeploymentStatus(deployments);
            foreach (var pod in stopping)
            {
                _ = pod.Stop(); // after the slices above said "terminating"
            }

            RemoveStoppedPods();
        }
    }

    /// <summary>Stops every pod (endpoints terminating, SIGTERM, grace, SIGKILL) and removes their Pods and slices.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        Sync(); // with stopping set, every pod is marked terminating and its stop begins
        await Task.WhenAll(Pods.Select(pod => pod.Stop())).ConfigureAwait(false);
        Sync();
        foreach (var pod in Pods)
        {
            await pod.DisposeAsync().ConfigureAwait(false);
        }

        if (Directory.Exists(_options.VolumeRoot))
        {
            Directory.Delete(_options.VolumeRoot, recursive: true);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Sync();
            try
            {
                await Task.Delay(_options.SyncInterval, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Starts the pods Deployments want and marks the rest terminating; returns the ones newly marked.</summary>
    private List<LocalPod> ScalePods(List<V1Deployment> deployments, bool isShuttingDown)
    {
        var marked = new List<LocalPod>();
        var wanted = new HashSet<string>();
        foreach (var deployment in deployments)
        {
            var hash = TemplateHash.Of(deployment.Spec.Template);
            var replicas = isShuttingDown || deployment.Metadata.DeletionTimestamp is not null ? 0 : deployment.Spec.Replicas ?? 1;
            var current = LivePods(deployment).Where(pod => pod.TemplateHash == hash).OrderBy(pod => pod.Name, StringComparer.Ordinal).ToList();
            wanted.UnionWith(current.Take(replicas).Select(pod => pod.Name));
            for (var i = current.Count; i < replicas; i++)
            {
                wanted.Add(StartPod(deployment, hash).Name);
            }
        }

        foreach (var pod in _pods.Values.Where(pod => !pod.State.IsTerminating && (!wanted.Contains(pod.Name) || IsDeletedFromStore(pod))))
        {
            pod.MarkTerminating();
            marked.Add(pod);
        }

        return marked;
    }

    private LocalPod StartPod(V1Deployment deployment, string hash)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var prefix = $"{deployment.Metadata.Name}-{hash}-";
        var index = Enumerable.Range(0, int.MaxValue).First(n => !_pods.ContainsKey(Key(ns, prefix + n)));
        var name = prefix + index;
        var template = deployment.Spec.Template;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>());
        var container = template.Spec.Containers[0];
        var grace = TimeSpan.FromSeconds(template.Spec.TerminationGracePeriodSeconds ?? 30);
        var pod = new LocalPod(ns, name, deployment.Metadata.Name, hash, _runner, _options,
            () => new ContainerLaunch(ns, name, labels, container, ContainerEnvironment.Resolve(_store, ns, name, container))
            {
                Mounts = ConfigVolumes.Write(_store, ns, template.Spec, container, Path.Combine(_options.VolumeRoot, ns, name)),
            },
            grace < _options.MaxGracePeriod ? grace : _options.MaxGracePeriod);
        _pods[Key(ns, name)] = pod;
        pod.Start();
        return pod;
    }

    private void WritePods(List<V1Deployment> deployments)
    {
        foreach (var pod in _pods.Values)
        {
            var deployment = deployments.Find(d => d.Metadata.NamespaceProperty == pod.Namespace && d.Metadata.Name == pod.Deployment);
            if (deployment is null || (pod.State.IsTerminating && IsDeletedFromStore(pod)))
            {
                continue; // owner gone (its Pods were collected with it) or the Pod object was deleted: nothing to update
            }

            WriteIfChanged("pods", pod.Namespace, pod.Name, PodManifest.Build(deployment, pod, _options.NodeName));
        }
    }

    private void WriteEndpointSlices()
    {
        var desired = new HashSet<string>();
        foreach (var service in List<V1Service>("services"))
        {
            foreach (var pod in _pods.Values.Where(pod => pod.Namespace == service.Metadata.NamespaceProperty && pod.State.Port is not null && !pod.HasStopped))
            {
                var podObject = _store.Get<V1Pod>(pod.Namespace, pod.Name);
                if (podObject is not null && EndpointSliceManifest.Selects(service, podObject.Metadata.Labels))
                {
                    var slice = EndpointSliceManifest.Build(service, podObject, pod.State, _options.NodeName);
                    desired.Add(Key(slice.Metadata.NamespaceProperty, slice.Metadata.Name));
                    WriteIfChanged("endpointslices.discovery.k8s.io", slice.Metadata.NamespaceProperty, slice.Metadata.Name, slice);
                }
            }
        }

        foreach (var slice in _store.List("endpointslices.discovery.k8s.io"))
        {
            var isOurs = slice["metadata"]?["labels"]?[EndpointSliceManifest.ManagedByLabel]?.GetValue<string>() == EndpointSliceManifest.ManagedBy;
            var key = Key(slice.Namespace() ?? "", slice.Name());
            if (isOurs && !desired.Contains(key))
            {
                _store.Delete("endpointslices.discovery.k8s.io", slice.Namespace(), slice.Name());
                _written.Remove("endpointslices.discovery.k8s.io/" + key);
            }
        }
    }

    private void WriteDeploymentStatus(List<V1Deployment> deployments)
    {
        foreach (var deployment in deployments)
        {
            var status = DeploymentStatusManifest.Build(deployment, LivePods(deployment).ToList(), TemplateHash.Of(deployment.Spec.Template));
            var json = JsonNode.Parse(KubernetesJson.Serialize(status))!;
            if (!JsonNode.DeepEquals(json, JsonNode.Parse(KubernetesJson.Serialize(deployment.Status ?? new V1DeploymentStatus()))))
            {
                _store.Update("deployments.apps", deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, obj => obj["status"] = json);
            }
        }
    }

    private void RemoveStoppedPods()
    {
        foreach (var pod in _pods.Values.Where(pod => pod.HasStopped).ToList())
        {
            _store.Delete("pods", pod.Namespace, pod.Name);
            _written.Remove("pods/" + Key(pod.Namespace, pod.Name));
            _pods.Remove(Key(pod.Namespace, pod.Name));
        }
    }

    private IEnumerable<LocalPod> LivePods(V1Deployment deployment) =>
        _pods.Values.Where(pod => pod.Namespace == deployment.Metadata.NamespaceProperty && pod.Deployment == deployment.Metadata.Name && !pod.State.IsTerminating);

    /// <summary>Whether the Pod object was written once and has since been deleted by someone else (a user, the garbage collector).</summary>
    private bool IsDeletedFromStore(LocalPod pod) =>
        _written.ContainsKey("pods/" + Key(pod.Namespace, pod.Name)) && _store.Get("pods", pod.Namespace, pod.Name) is null;

    private void WriteIfChanged<T>(string resource, string ns, string name, T obj)
        where T : class, IKubernetesObject
    {
        var json = KubernetesJson.Serialize(obj);
        var key = resource + "/" + Key(ns, name);
        var isStored = _store.Get(resource, ns, name) is not null;
        if (!isStored || !_written.TryGetValue(key, out var last) || last != json)
        {
            _store.Upsert(resource, JsonNode.Parse(json)!.AsObject());
            _written[key] = json;
        }
    }

    private List<T> List<T>(string resource) =>
        _store.List(resource).Select(json => KubernetesJson.Deserialize<T>(json.ToJsonString())).ToList();

    private static string Key(string ns, string name) => ns + "/" + name;
}
