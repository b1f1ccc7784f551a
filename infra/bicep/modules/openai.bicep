// An Azure OpenAI account with one embedding deployment. The app calls its v1 endpoint with the account key, which
// keyvault.bicep stores as a secret; the identity also gets Cognitive Services OpenAI User for tools that sign in.
param location string
param accountName string
param deploymentName string
param capacity int

@description('The app identity.')
param principalId string

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: accountName
  location: location
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: accountName
    publicNetworkAccess: 'Enabled'
  }
}

resource embedding 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: deploymentName
  sku: {
    name: 'GlobalStandard'
    capacity: capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: deploymentName
    }
  }
}

var openAiUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource user 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, openAiUser)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUser)
  }
}

output endpoint string = account.properties.endpoint
