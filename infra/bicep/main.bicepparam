using './main.bicep'

// A deployment that uses OpenAI itself: pass the key at deploy time (it goes to Key Vault only), for example
//   az deployment group create -g <group> -f infra/bicep/main.bicep -p infra/bicep/main.bicepparam -p openAiApiKey=$OPENAI_API_KEY
// or set deployAzureOpenAi = true to create an Azure OpenAI account and use its key instead.
param namePrefix = 'batchembed'
param embeddingModel = 'text-embedding-3-small'
param deployAzureOpenAi = false
param openAiEndpoint = 'https://api.openai.com/v1/'
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
param pollSchedule = '0 */1 * * * *'
param pipelineMode = 'manual'
