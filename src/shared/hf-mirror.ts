/** The public Hugging Face mirror the guide's FAQ recommends behind the mainland-China firewall; every language's hints name it. */
export const HF_MIRROR_ENDPOINT = 'https://hf-mirror.com'
