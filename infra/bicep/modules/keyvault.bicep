// Key Vault (RBAC) holding the OpenAI key; the app reads it through a Key Vault reference in its settings, with its
// managed identity (Key Vault Secrets User). The key is the Azure OpenAI account's when one was created, else the one
// passed in.
param location string
param vaultName string

@description('The app identity.')
param principalId string

@description('The Azure OpenAI account whose key is stored; empty: store openAiApiKey.')
param openAiAccountName string

@secure()
param openAiApiKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource openAi 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = if (!empty(openAiAccountName)) {
  name: empty(openAiAccountName) ? 'none' : openAiAccountName
}

resource key 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'openai-api-key'
  properties: {
    value: empty(openAiAccountName) ? openAiApiKey : openAi!.listKeys().key1
  }
}

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, secretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
  }
}

output name string = vault.name
output openAiKeySecretUri string = key.properties.secretUri
