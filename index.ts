// stack config -> validated settings -> platform (cluster) -> workloads -> outputs
import { createPlatform } from "./components";
import { loadSettings } from "./stacks/config";

const settings = loadSettings();
const platform = createPlatform(settings);

export const cloud = settings.platform.cloud;
export const environment = settings.environment;
export const size = settings.size;
export const clusterName = platform.clusterName;
export const kubeconfig = platform.kubeconfig;
export const storageClassName = platform.storageClassName;
export const serviceExposure = platform.exposure.type;
