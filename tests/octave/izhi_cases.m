% Izhikevich's figure1.m loop, generalised, run on many cases (GNU Octave / MATLAB).
%
%   octave-cli --no-gui --quiet --eval "izhi_cases('cases.txt', 'out.txt')"
%
% Each input line is one case, every number a 16-digit hex double (num2hex form):
%   variant kind tau T a b c d V0 u0 n_extra extra...
% variant: 1 = 0.04*V^2+5*V+140, 2 = 0.04*V^2+4.1*V+108 (panels G, L),
%          3 = the accommodation form of panel R (u = u + tau*a*b*(V+65)).
% kind: 1 = step (base, amp, t_on):            I = base + amp for t > t_on
%       2 = pulses (base, amp, w, t_on...):    I = base + amp for t_on < t < t_on + w
%       3 = ramp (base, slope, t_on):          I = base + slope*(t - t_on) for t > t_on
%       4 = sampled (I(1), I(2), ...):         I = the k-th value at the k-th step
% Each output line: the step count, the spike count, the spike times, then V (after the
% update, before the reset) and u at every 50th step and at the last, all as num2hex.
function izhi_cases(infile, outfile)
  fin = fopen(infile, 'r');
  fout = fopen(outfile, 'w');
  while true
    line = fgetl(fin);
    if ~ischar(line)
      break;
    end
    x = hex2num(strsplit(strtrim(line), ' '));
    variant = x(1); kind = x(2); tau = x(3); T = x(4);
    a = x(5); b = x(6); c = x(7); d = x(8);
    V = x(9); u = x(10); extra = x(12:end);
    tspan = 0:tau:T;
    n = numel(tspan);
    spikes = [];
    samples = [];
    for k = 1:n
      t = tspan(k);
      if kind == 1
        if t > extra(3)
          I = extra(1) + extra(2);
        else
          I = extra(1);
        end
      elseif kind == 2
        I = extra(1);
        for j = 4:numel(extra)
          if (t > extra(j)) & (t < extra(j) + extra(3))
            I = extra(1) + extra(2);
          end
        end
      elseif kind == 3
        if t > extra(3)
          I = extra(1) + extra(2)*(t - extra(3));
        else
          I = extra(1);
        end
      else
        I = extra(k);
      end
      % figure1.m's update, literally
      if variant == 2
        V = V + tau*(0.04*V^2+4.1*V+108-u+I);
      else
        V = V + tau*(0.04*V^2+5*V+140-u+I);
      end
      if variant == 3
        u = u + tau*a*b*(V+65);
      else
        u = u + tau*a*(b*V-u);
      end
      if mod(k - 1, 50) == 0 || k == n
        samples(end+1) = V;
        samples(end+1) = u;
      end
      if V > 30
        spikes(end+1) = t;
        V = c;
        u = u + d;
      end
    end
    fprintf(fout, '%d %d', n, numel(spikes));
    for s = [spikes, samples]
      fprintf(fout, ' %s', num2hex(s));
    end
    fprintf(fout, '\n');
  end
  fclose(fin);
  fclose(fout);
end
