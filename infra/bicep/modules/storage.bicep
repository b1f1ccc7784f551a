// The one storage account: the Functions host's storage and the Durable task hub (blobs, queues, tables), the
// deployment package container, and the app's own containers and item table. Shared keys are off: everything goes
// through the app's managed identity and these role assignments.
param location string
param accountName string
param deploymentContainer string

@description('The app identity that gets data access to blobs, queues and tables.')
param principalId string

@description('Containers and table the app uses (Storage__Container, Storage__VectorContainer, Storage__ItemTable).')
param appContainers array = [
  'batchembed'
  'batchembed-vectors'
]
param itemTable string = 'batchembeditems'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in concat([deploymentContainer], appContainers): {
  parent: blobs
  name: name
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource items 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: itemTable
}

// Blob Data Owner: the host's leases and the deployment package; Queue and Table Data Contributor: the Durable
// extension's Azure Storage backend (control and work-item queues, history and instance tables) and the item store.
var roles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
]

resource access 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in roles: {
  name: guid(account.id, principalId, role)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

output accountName string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
