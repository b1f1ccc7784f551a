// The BatchEmbed Functions app on Azure: a Function App on the Flex Consumption plan (dotnet-isolated), its storage
// account (host storage, the Durable task hub, the app's items, batch files and vector index) reached with a managed
// identity, Application Insights on Log Analytics, a Key Vault holding the OpenAI key, and optionally an Azure OpenAI
// account with an embedding deployment. No account key appears in any app setting.
targetScope = 'resourceGroup'

@description('Prefix of every resource name (3-11 lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Embedding model (with Azure OpenAI: the deployment name created here).')
param embeddingModel string = 'text-embedding-3-small'

@description('Create an Azure OpenAI account with an embedding deployment and use it; otherwise use openAiEndpoint.')
param deployAzureOpenAi bool = false

@description('The OpenAI-compatible endpoint when no Azure OpenAI account is created (https://api.openai.com/v1/).')
param openAiEndpoint string = 'https://api.openai.com/v1/'

@description('The OpenAI API key when no Azure OpenAI account is created; stored in Key Vault only.')
@secure()
param openAiApiKey string = ''

@description('Capacity of the embedding deployment, in thousands of tokens per minute.')
param embeddingCapacity int = 120

@description('Largest number of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('NCRONTAB schedule of the PollPending timer (six fields, UTC).')
param pollSchedule string = '0 */1 * * * *'

@description('manual: the timer only ingests; auto: it also submits what needs embedding.')
@allowed([
  'manual'
  'auto'
])
param pipelineMode string = 'manual'

var suffix = uniqueString(resourceGroup().id, namePrefix)
var names = {
  identity: '${namePrefix}-id-${suffix}'
  storage: take('${namePrefix}${suffix}', 24)
  workspace: '${namePrefix}-logs-${suffix}'
  insights: '${namePrefix}-ai-${suffix}'
  vault: take('${namePrefix}kv${suffix}', 24)
  openAi: '${namePrefix}-oai-${suffix}'
  plan: '${namePrefix}-plan-${suffix}'
  app: '${namePrefix}-func-${suffix}'
}
var deploymentContainer = 'app-package'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: names.workspace
    insightsName: names.insights
    principalId: identity.properties.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    accountName: names.storage
    deploymentContainer: deploymentContainer
    principalId: identity.properties.principalId
  }
}

module openAi 'modules/openai.bicep' = if (deployAzureOpenAi) {
  name: 'openai'
  params: {
    location: location
    accountName: names.openAi
    deploymentName: embeddingModel
    capacity: embeddingCapacity
    principalId: identity.properties.principalId
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    vaultName: names.vault
    principalId: identity.properties.principalId
    openAiAccountName: deployAzureOpenAi ? names.openAi : ''
    openAiApiKey: openAiApiKey
  }
  dependsOn: [
    openAi
  ]
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    planName: names.plan
    appName: names.app
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.accountName
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    insightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    openAiEndpoint: deployAzureOpenAi ? '${openAi!.outputs.endpoint}openai/v1/' : openAiEndpoint
    openAiProfile: deployAzureOpenAi ? 'azure' : 'openai'
    openAiKeySecretUri: vault.outputs.openAiKeySecretUri
    embeddingModel: embeddingModel
    pollSchedule: pollSchedule
    pipelineMode: pipelineMode
  }
}

@description('The app: the API under /api, the monitor at /api/monitor.')
output functionAppUrl string = app.outputs.url

@description('The monitor page (it asks for the admin key).')
output monitorUrl string = '${app.outputs.url}/api/monitor'

@description('For `az functionapp deployment source config-zip` and `az functionapp keys list`.')
output functionAppName string = app.outputs.name

output storageAccountName string = storage.outputs.accountName

output keyVaultName string = vault.outputs.name
