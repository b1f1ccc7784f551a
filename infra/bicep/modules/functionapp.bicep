// The Function App on the Flex Consumption plan: dotnet-isolated on .NET 10, the deployment package in a blob
// container, and every connection through the user-assigned identity (no account key, no connection string).
param location string
param planName string
param appName string
param identityId string
param identityClientId string
param storageAccountName string
param blobEndpoint string
param deploymentContainer string
param insightsConnectionString string
param maximumInstanceCount int
param instanceMemoryMB int
param openAiEndpoint string

@allowed([
  'openai'
  'azure'
])
param openAiProfile string
param openAiKeySecretUri string
param embeddingModel string
param pollSchedule string
param pipelineMode string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Host storage, the Durable task hub and (Storage__Provider defaults to azure) the app's stores.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: insightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        {
          name: 'OpenAI__Endpoint'
          value: openAiEndpoint
        }
        {
          name: 'OpenAI__ApiKey'
          value: '@Microsoft.KeyVault(SecretUri=${openAiKeySecretUri})'
        }
        {
          name: 'OpenAI__Profile'
          value: openAiProfile
        }
        {
          name: 'Pipeline__Model'
          value: embeddingModel
        }
        {
          name: 'Pipeline__Mode'
          value: pipelineMode
        }
        {
          name: 'PollPending__Schedule'
          value: pollSchedule
        }
      ]
    }
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
