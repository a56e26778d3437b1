import { it, expect } from 'vitest';
import { openGpu, closeGpu, matmul, timeMatmul, naiveKernel, referenceMatmul, verifyMatmul } from '../src/index.js';
import { randomMatrix } from '../src/kernels/random.js';
it('smoke', async () => {
  const gpu = await openGpu();
  for (const [m,n,k] of [[7,13,29],[1,1,1],[257,129,65]]) {
    const a = randomMatrix(m*k, 1), b = randomMatrix(k*n, 2);
    const c = await matmul(gpu, a, b, {m,n,k});
    const v = verifyMatmul(c, referenceMatmul(a,b,{m,n,k}), k);
    console.log(m,n,k,v);
    const c2 = await matmul(gpu, a, b, {m,n,k}, {maxBindingBytes: 1024});
    console.log(verifyMatmul(c2, referenceMatmul(a,b,{m,n,k}), k).ok);
  }
  const t = await timeMatmul(gpu, naiveKernel, {m:512,n:512,k:512}, 5);
  console.log(t);
  closeGpu(gpu);
});
