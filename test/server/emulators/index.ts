/** Faithful emulators of the model servers people run, for tests. See each file for its rules and sources. */
export { fileOracle, type BrainInput, type ModelBrain } from './brain';
export { FAMILIES, OLLAMA_MODELS, HF_MODELS, GGUF_MODELS, MISTRAL_MODELS, DEEPSEEK_MODELS, type Family, type FamilyId, type ModelEntry } from './catalogue';
export type { EmulatorHandle, RecordedRequest, CorruptedPrompt } from './http';
export { startVllmEmulator, type VllmOptions } from './vllm';
export { startOllamaEmulator, type OllamaOptions } from './ollama';
export { startLlamaCppEmulator, type LlamaCppOptions } from './llamacpp';
export { startMistralEmulator, type MistralOptions } from './mistral';
export { startDeepSeekEmulator, type DeepSeekOptions } from './deepseek';
