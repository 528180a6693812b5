// Open WebUI wired to the worker: OpenAI backend at the worker Service, its key and session key from Secrets, Ollama
// off, the ChatDeployment's settings authoritative over what an earlier boot stored, data on a claim.
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds the Open WebUI Deployment.</summary>
public static class UiDeployment
{
    public const int Port = 8080;
    public const string DataPath = "/app/backend/data";

    public static V1Deployment? Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsUiEnabled)
        {
            return null;
        }

        var chat = context.Chat;
        return Ownership.Own(new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = ResourceNames.Ui(chat), NamespaceProperty = context.Namespace, Labels = Labels.For(chat, Labels.UiComponent) },
            Spec = new V1DeploymentSpec
            {
                // One replica on a ReadWriteOnce claim with SQLite; more need Redis and PostgreSQL.
                Replicas = 1,
                Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                Selector = new V1LabelSelector { MatchLabels = Labels.Selector(chat, Labels.UiComponent) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels.For(chat, Labels.UiComponent), Annotations = Credentials.PodAnnotations(context) },
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        SecurityContext = new V1PodSecurityContext { SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                        InitContainers = [CopyBundledData(context)],
                        Containers = [Container(context)],
                        Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ResourceNames.UiData(chat) } }],
                    },
                },
            },
        }, chat);
    }

    // The image keeps its bundled models (embedding, whisper, tiktoken) under the data folder, which the claim mounted
    // over it hides: without them the UI downloads them at first start, and air-gapped clusters break. Copied onto the
    // claim before the UI starts, never over what is there (-n), so a user's database and uploads are left alone.
    private static V1Container CopyBundledData(BuildContext context) => new()
    {
        Name = "copy-bundled-data",
        Image = context.Ui.Image ?? context.Defaults.UiImage,
        Command = ["sh", "-c", $"cp -R -n {DataPath}/. {ClaimCopyPath}/"],
        VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = ClaimCopyPath }],
        SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false },
    };

    private const string ClaimCopyPath = "/mnt/ui-data";

    private static V1Container Container(BuildContext context) => new()
    {
        Name = "open-webui",
        Image = context.Ui.Image ?? context.Defaults.UiImage,
        Env = Environment(context),
        Ports = [new V1ContainerPort { Name = "http", ContainerPort = Port, Protocol = "TCP" }],
        Resources = context.Ui.Resources ?? new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("1Gi") },
        },
        VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = DataPath }],
        // The first boot migrates the database; give it five minutes.
        StartupProbe = HttpProbes.Get("/health", periodSeconds: 10, failureThreshold: 30),
        // /ready answers 503 until start-up completes and then pings the database; /health says only that the process lives.
        ReadinessProbe = HttpProbes.Get("/ready", periodSeconds: 10, failureThreshold: 3),
        LivenessProbe = HttpProbes.Get("/health", periodSeconds: 20, failureThreshold: 3),
        SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false },
    };

    /// <summary>Open WebUI's settings; names from its backend/open_webui/config.py and env-configuration docs.</summary>
    private static List<V1EnvVar> Environment(BuildContext context) =>
    [
        .. Settings(context),
        .. AdminAccount(context),
        .. BuiltinTools(context),
        .. context.Ui.Env ?? [],
    ];

    // Open WebUI sends its ~26 builtin tools with every chat; a model whose template never shows it tools cannot call
    // them and would only read thousands of tokens of definitions, so they are turned off for it. What the running
    // worker reports about its template (status.measured) wins over the catalog, which knows only its own models. A
    // user's own DEFAULT_MODEL_METADATA in spec.ui.env wins over both.
    private static IEnumerable<V1EnvVar> BuiltinTools(BuildContext context) =>
        (context.Chat.Status?.Measured?.TemplateRendersTools ?? context.Plan.Model.TemplateRendersTools)
            || context.Ui.Env?.Any(variable => variable.Name == BuiltinToolsSwitch) == true
            ? []
            : [new() { Name = BuiltinToolsSwitch, Value = "{\"capabilities\":{\"builtin_tools\":false}}" }];

    /// <summary>Open WebUI's per-model defaults; set to turn builtin tools off, unless spec.ui.env sets it.</summary>
    public const string BuiltinToolsSwitch = "DEFAULT_MODEL_METADATA";

    // With sign-in on, Open WebUI creates this admin at its first start (no users yet) and nobody can sign up: the
    // password is in the credentials Secret. With sign-in off there are no accounts to protect.
    private static IEnumerable<V1EnvVar> AdminAccount(BuildContext context) => Credentials.HasAdminAccount(context)
        ? [
            new() { Name = "WEBUI_ADMIN_EMAIL", Value = Credentials.WebUiAdminEmail },
            new() { Name = "WEBUI_ADMIN_NAME", Value = "Admin" },
            new()
            {
                Name = "WEBUI_ADMIN_PASSWORD",
                ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = ResourceNames.Credentials(context.Chat), Key = Credentials.WebUiAdminPasswordKey } },
            },
            new() { Name = "ENABLE_SIGNUP", Value = "False" },
        ]
        : [];

    private static List<V1EnvVar> Settings(BuildContext context) =>
    [
        new() { Name = "OPENAI_API_BASE_URL", Value = ApiService.Url(context) },
        // Without a key Open WebUI lists no models (open-webui#3330): always pass the worker's.
        new() { Name = "OPENAI_API_KEY", ValueFrom = new V1EnvVarSource { SecretKeyRef = Credentials.ApiKeyReference(context) } },
        new() { Name = "ENABLE_OPENAI_API", Value = "True" },
        new() { Name = "ENABLE_OLLAMA_API", Value = "False" },
        // Unset, start.sh writes a key outside the data volume and every new pod logs everyone out.
        new()
        {
            Name = "WEBUI_SECRET_KEY",
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = ResourceNames.Credentials(context.Chat), Key = Credentials.WebUiSecretKeyKey } },
        },
        // The base model only, also with LoRA adapters: Open WebUI opens a new chat with every model listed here and sends
        // each message to all of them. The adapters still appear in the model picker, since the worker lists them in
        // /v1/models and nothing here filters that list (no OPENAI_API_CONFIGS model_ids).
        new() { Name = "DEFAULT_MODELS", Value = context.Spec.Model.ServedName },
        // A model with no database entry is shown to admins only: without this, every account after the first sees
        // an empty model list.
        new() { Name = "BYPASS_MODEL_ACCESS_CONTROL", Value = "True" },
        new() { Name = "WEBUI_AUTH", Value = context.Ui.Auth == false ? "False" : "True" },
        // With persistent config on, env is read only on first boot and later ChatDeployment changes would not apply.
        new() { Name = "ENABLE_PERSISTENT_CONFIG", Value = "False" },
        new() { Name = "ANONYMIZED_TELEMETRY", Value = "False" },
        new() { Name = "DO_NOT_TRACK", Value = "True" },
        new() { Name = "SCARF_NO_ANALYTICS", Value = "True" },
    ];

}
