/** Who made a change from the command line, as the exchange log names them: the OS user running `edoc-hub`. */
import { userInfo } from 'node:os';

export const operatorActor = (): string => `operator:${userInfo().username}`;
