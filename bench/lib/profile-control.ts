import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

/** profile-start / profile-stop commands for any bench child that serves requests. */
export function profileCommands() {
  let session: Session | undefined;
  return async (m: { cmd: string; file?: string }): Promise<object | undefined> => {
    if (m.cmd === "profile-start") {
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 100 });
      await session.post("Profiler.start");
      return {};
    }
    if (m.cmd === "profile-stop") {
      const { profile } = await session!.post("Profiler.stop");
      await writeFile(m.file!, JSON.stringify(profile));
      session!.disconnect();
      session = undefined;
      return { file: m.file };
    }
    return undefined;
  };
}
