/** Scenario settings that start the test OpenAI server with a fixed reply and point the extension at it. */
import type { PrepareContext } from '../host/e2e';
import type { UserSettings } from '../host/codeServer';
import { TestOpenAIServer, type Reply } from '../server/openaiServer';

export function withTestEndpoint(reply: Reply, model = 'qwen2.5-coder-e2e'): (prep: PrepareContext) => Promise<UserSettings> {
  return async ({ onCleanup }) => {
    const server = await TestOpenAIServer.start({ models: [model] });
    server.respond(reply);
    onCleanup(() => server.stop());
    return {
      'intentComplete.endpoint': server.url,
      'intentComplete.model': model,
      'intentComplete.timeoutMs': 10000,
      'files.autoSave': 'off',
    };
  };
}
